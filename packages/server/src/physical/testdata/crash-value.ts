import { createHash } from 'node:crypto';

/** The value the crash-test writer stores under a key: a few KiB derived from the key, so the checker can recompute it. */
export function crashValue(key: string): Buffer {
  const digest = createHash('sha256').update(key).digest();
  const repeats = 16 + (digest[0]! % 112); // 0.5–4 KiB: enough to make the WAL checkpoint now and then
  return Buffer.concat(Array.from({ length: repeats }, () => digest));
}
