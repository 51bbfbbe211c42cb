/** The engine's clock; tests inject one to move time without sleeping. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/**
 * A time as Vault renders it (Go's RFC 3339 with nanoseconds): UTC, and the
 * fraction of a second without trailing zeros ("…06.94Z", or "…06Z").
 */
export function formatTime(time: Date): string {
  return time.toISOString().replace(/\.(\d*?)0*Z$/, (_m, fraction: string) => (fraction === '' ? 'Z' : `.${fraction}Z`));
}

/**
 * True when `time` (as stored; "" means never) has come: it is `now` or
 * earlier. "Or equal" because times are kept to the millisecond: a read in
 * the same millisecond as a delete must already see the version deleted.
 */
export function hasPassed(time: string, now: Date): boolean {
  if (time === '') return false;
  const at = Date.parse(time);
  return !Number.isNaN(at) && at <= now.getTime();
}

/** `seconds` after `from`, rendered like formatTime. */
export function addSeconds(from: Date, seconds: number): string {
  return formatTime(new Date(from.getTime() + seconds * 1000));
}
