import { CofferError } from '../errors.js';

/**
 * Durations as Vault accepts them (parseutil's "duration second"): a number
 * of seconds (30, "30"), a Go duration string ("30s", "5m", "1h30m",
 * "1.5h", "250ms"), or whole days ("2d"). The result is in seconds,
 * truncated toward zero like Vault's int(d.Seconds()).
 */
export function parseDuration(value: unknown): number {
  const seconds = parseDurationExact(value);
  return Math.trunc(seconds) + 0; // `+ 0` turns -0 into 0
}

/** Like parseDuration, but keeps fractions of a second ("250ms" → 0.25). */
export function parseDurationExact(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badDuration();
    return value;
  }
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') throw badDuration();
  const text = value.trim();
  if (text === '') return 0;
  if (/^[+-]?\d+$/.test(text)) return Number.parseInt(text, 10);
  // Whole days are a Vault extension: Go's time package has no "d" unit.
  const days = /^([+-]?\d+)d$/.exec(text);
  if (days) return Number.parseInt(days[1]!, 10) * 86_400;
  return parseGoDuration(text);
}

const unitSeconds: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6, // U+00B5 micro sign
  'μs': 1e-6, // U+03BC Greek mu
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Go's time.ParseDuration grammar: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+, or "0". */
function parseGoDuration(text: string): number {
  let rest = text;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw badDuration();
  let total = 0;
  const piece = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/;
  while (rest !== '') {
    const m = piece.exec(rest);
    if (!m) throw badDuration();
    const [whole, intPart = '', fracPart] = m;
    if (intPart === '' && (fracPart === undefined || fracPart === '')) throw badDuration();
    const unit = unitSeconds[m[3]!];
    if (unit === undefined) throw badDuration();
    total += Number(`${intPart || '0'}.${fracPart ?? ''}0`) * unit;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

function badDuration(): CofferError {
  return new CofferError(
    'invalid_request',
    'invalid duration: use a number of seconds or a duration such as "30s", "5m", "1h30m" or "2d"',
  );
}

/**
 * Seconds rendered like Go's time.Duration.String(): "0s", "45s", "1m30s",
 * "1h0m0s", "768h0m0s", "1.5s", "250ms". The CLI and help output use it.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds === 0) return '0s';
  const negative = seconds < 0;
  // Work in integer nanoseconds to avoid float noise ("1.4999999s").
  let ns = Math.round(Math.abs(seconds) * 1e9);
  const sign = negative ? '-' : '';
  if (ns < 1e9) {
    if (ns < 1e3) return `${sign}${ns}ns`;
    if (ns < 1e6) return `${sign}${trimFraction(ns / 1e3)}µs`;
    return `${sign}${trimFraction(ns / 1e6)}ms`;
  }
  const hours = Math.floor(ns / 3.6e12);
  ns -= hours * 3.6e12;
  const minutes = Math.floor(ns / 6e10);
  ns -= minutes * 6e10;
  const secs = `${trimFraction(ns / 1e9)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${secs}`;
  if (minutes > 0) return `${sign}${minutes}m${secs}`;
  return `${sign}${secs}`;
}

function trimFraction(n: number): string {
  // At most 9 fractional digits, no trailing zeros, like Go.
  return n.toFixed(9).replace(/\.?0+$/, '');
}
