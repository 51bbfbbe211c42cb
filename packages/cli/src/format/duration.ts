// Durations as Vault's CLI reads and prints them: flags accept Go duration
// syntax ("1h30m", "90s"), a bare number of seconds, or days ("7d"); tables
// print whole seconds in a short human form ("768h", "1h30m", "45s").

import { formatDuration, parseDurationExact } from '@coffer/sdk';

/**
 * Parses a duration into (possibly fractional) seconds; throws Go's message
 * on bad input. The grammar is the SDK's (the server reads the same
 * strings); the CLI adds fractional bare seconds ("1.5" == "1.5s").
 */
export function parseDuration(input: string): number {
  const text = input.trim();
  if (/^[-+]?(\d+\.\d*|\.\d+)$/.test(text)) return Number.parseFloat(text);
  try {
    return parseDurationExact(text);
  } catch {
    throw new Error(`time: invalid duration "${input}"`);
  }
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
