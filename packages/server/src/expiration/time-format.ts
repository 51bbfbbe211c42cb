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

/** Go's time.Duration.String() for a whole number of seconds: "768h0m0s", "5m0s", "30s", "0s". */
export function goDuration(totalSeconds: number): string {
  const negative = totalSeconds < 0;
  let rest = Math.abs(Math.trunc(totalSeconds));
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  let text: string;
  if (hours > 0) text = `${hours}h${minutes}m${seconds}s`;
  else if (minutes > 0) text = `${minutes}m${seconds}s`;
  else text = `${seconds}s`;
  return negative ? `-${text}` : text;
}
