// Durations as Vault's CLI reads and prints them: flags accept Go duration
// syntax ("1h30m", "90s"), a bare number of seconds, or days ("7d"); tables
// print whole seconds in a short human form ("768h", "1h30m", "45s").

import { formatDuration } from '@coffer/sdk';

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  'μs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

/** Parses a duration into (possibly fractional) seconds; throws on bad input. */
export function parseDuration(input: string): number {
  const text = input.trim();
  if (text === '') return 0;
  // A bare number means seconds, as in Vault's flags ("30" == "30s").
  if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text)) return Number.parseFloat(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/;
  let total = 0;
  let matched = false;
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (!m) throw new Error(`time: invalid duration "${input}"`);
    total += Number.parseFloat(m[1]!) * UNIT_SECONDS[m[2]!]!;
    rest = rest.slice(m[0].length);
    matched = true;
  }
  if (!matched) throw new Error(`time: invalid duration "${input}"`);
  return sign * total;
}

/** Go's time.Duration.String() ("1h0m0s", "1.5s"): the SDK's formatter, under the name the CLI uses. */
export const goDurationString = formatDuration;

/** Vault's humanDuration: Go's form with the trailing zero units removed. */
export function humanDuration(totalSeconds: number): string {
  if (totalSeconds === 0) return '0s';
  let s = goDurationString(totalSeconds);
  if (s.endsWith('m0s')) s = s.slice(0, -2);
  const idx = s.indexOf('h0m');
  if (idx > 0) s = s.slice(0, idx + 1) + s.slice(idx + 3);
  return s;
}

/** Formats integer seconds as a human duration; leaves anything else as is. */
export function humanDurationValue(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return humanDuration(value);
  return value;
}

/** Field names Vault's tables print as durations. */
export function looksLikeDuration(key: string): boolean {
  return (
    key === 'period' ||
    key.endsWith('_period') ||
    key === 'ttl' ||
    key.endsWith('_ttl') ||
    key === 'duration' ||
    key.endsWith('_duration') ||
    key === 'lease_max' ||
    key === 'ttl_max'
  );
}

/**
 * How a TTL flag is sent to mount/tune endpoints: unset or zero is omitted,
 * a negative value means "use the system default".
 */
export function ttlToApi(seconds: number | undefined): string | undefined {
  if (seconds === undefined || seconds === 0) return undefined;
  if (seconds < 0) return 'system';
  return goDurationString(seconds);
}
