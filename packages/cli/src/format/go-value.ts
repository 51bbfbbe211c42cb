// Vault's tables print values with Go's "%v" verb. Users and scripts are used
// to that look ("[a b]", "map[k:v]", "<nil>"), so we reproduce it.

/** Go's %v rendering of a decoded JSON value. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${k}:${goValue((value as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/** Go's %q of a []string: ["a" "b"]. */
export function goQuotedList(values: unknown): string {
  if (!Array.isArray(values)) return '[]';
  return `[${values.map((v) => JSON.stringify(String(v))).join(' ')}]`;
}

/** Go's time.Time.String() for an RFC 3339 timestamp, shown in UTC. */
export function goTimeString(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '0001-01-01 00:00:00 +0000 UTC';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const fraction = /\.(\d+)/.exec(iso)?.[1]?.replace(/0+$/, '') ?? '';
  const base = date.toISOString().slice(0, 19).replace('T', ' ');
  return `${base}${fraction ? '.' + fraction : ''} +0000 UTC`;
}

/** Go's time.RFC822 layout in UTC: "02 Jan 06 15:04 UTC". */
export function rfc822(iso: unknown): string {
  const date = new Date(typeof iso === 'string' ? iso : 0);
  if (Number.isNaN(date.getTime())) return String(iso);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())} ${months[date.getUTCMonth()]} ${two(date.getUTCFullYear() % 100)} ${two(
    date.getUTCHours(),
  )}:${two(date.getUTCMinutes())} UTC`;
}
