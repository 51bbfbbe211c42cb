const UNITS: [string, number][] = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
];

/** "64 MiB" for 67108864, "1.5 GiB" for 1610612736, "1000 bytes" otherwise: how limits are named in messages. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of UNITS) {
    if (bytes >= size && (bytes * 10) % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}
