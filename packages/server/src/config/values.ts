import { isCofferError, parseDurationExact } from '@coffer/sdk';
import { configError } from './errors.js';

/** A setting being read: enough to say where it is when its value is wrong. */
export interface SettingRef {
  file: string;
  /** How to name it in a message, e.g. `"tls_disable" in listener "tcp"`. */
  label: string;
  /** Its line, looked up only when there is something to report. */
  line(): number | undefined;
}

function wrong(ref: SettingRef, expected: string, value: unknown): never {
  throw configError(ref.file, ref.line(), `${ref.label} must be ${expected}, got ${describe(value)}`);
}

/** A short description of a bad value; strings are quoted only when short (they may hold secrets). */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a block';
  if (typeof value === 'string') return value.length <= 32 ? JSON.stringify(value) : 'a long string';
  return String(value);
}

export function readString(value: unknown, ref: SettingRef): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return wrong(ref, 'a string', value);
}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False', '']);

/** true/false, or the words and numbers Vault's loose boolean parsing accepts ("true", "1", 0, …). */
export function readBool(value: unknown, ref: SettingRef): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string') {
    if (TRUE_WORDS.has(value.trim())) return true;
    if (FALSE_WORDS.has(value.trim())) return false;
  }
  return wrong(ref, 'true or false', value);
}

/** Seconds, from a number of seconds or a duration such as "768h", "30m", "1h30m", "2d". */
export function readDuration(value: unknown, ref: SettingRef): number {
  if (typeof value !== 'number' && typeof value !== 'string') {
    return wrong(ref, 'a duration such as "30s", "10m" or "768h", or a number of seconds', value);
  }
  let seconds: number;
  try {
    seconds = parseDurationExact(value);
  } catch (err) {
    if (!isCofferError(err)) throw err;
    return wrong(ref, 'a duration such as "30s", "10m" or "768h", or a number of seconds', value);
  }
  if (seconds < 0) return wrong(ref, 'a duration that is not negative', value);
  return seconds;
}

/** A whole number, written as a number or as a string of digits. */
export function readInteger(value: unknown, ref: SettingRef): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value)) return Number(value);
  return wrong(ref, 'a whole number', value);
}

/** One of the given words. */
export function readChoice<T extends string>(value: unknown, choices: Record<string, T>, ref: SettingRef): T {
  if (typeof value === 'string' && Object.hasOwn(choices, value.trim().toLowerCase())) {
    return choices[value.trim().toLowerCase()]!;
  }
  const words = [...new Set(Object.keys(choices))].map((w) => `"${w}"`).join(', ');
  return wrong(ref, `one of ${words}`, value);
}
