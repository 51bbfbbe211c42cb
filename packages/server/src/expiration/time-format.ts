import { formatDuration } from '@coffer/sdk';

/**
 * Times as Go's encoding/json writes a time.Time (RFC 3339 with the
 * fraction's trailing zeros removed), which is what Vault's clients parse.
 */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  const [seconds, fraction = '000Z'] = iso.split('.');
  const digits = fraction.slice(0, -1).replace(/0+$/, '');
  return digits === '' ? `${seconds}Z` : `${seconds}.${digits}Z`;
}

/** Go's time.Duration.String() for a whole number of seconds: "768h0m0s", "5m0s", "30s", "0s" (the SDK's formatter). */
export function goDuration(totalSeconds: number): string {
  return formatDuration(Math.trunc(totalSeconds));
}
