import { isCofferError } from '../errors.js';
import { parseDuration } from './duration.js';
import { parseBool } from './parse-bool.js';
import type { FieldType } from './types.js';

/**
 * Conversion of raw request values to a field's type, following the
 * "weak decoding" Vault applies (numbers and booleans become strings, "42"
 * becomes 42, "true"/"1" become true, a single value becomes a one-element
 * list). Throws FieldConversionError with a reason that never repeats the
 * value, because the value may be a secret.
 */
export class FieldConversionError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FieldConversionError';
  }
}

const fail = (reason: string): never => {
  throw new FieldConversionError(reason);
};

/** The value a field has when the client did not send it and it has no default. */
export function zeroValue(type: FieldType): unknown {
  switch (type) {
    case 'string':
    case 'lowercase-string':
    case 'name':
      return '';
    case 'int':
    case 'int64':
    case 'float':
    case 'duration':
      return 0;
    case 'bool':
      return false;
    case 'map':
    case 'kvpairs':
    case 'header':
      return {};
    case 'slice':
    case 'string-slice':
    case 'comma-string-slice':
    case 'comma-int-slice':
      return [];
    case 'time':
      return null;
  }
}

export function coerceValue(type: FieldType, raw: unknown): unknown {
  switch (type) {
    case 'string':
      return toStr(raw);
    case 'lowercase-string':
      return toStr(raw).toLowerCase();
    case 'name':
      return toName(raw);
    case 'int':
    case 'int64':
      return toInt(raw);
    case 'float':
      return toFloat(raw);
    case 'bool':
      return toBool(raw);
    case 'duration':
      return toDuration(raw);
    case 'map':
      return toMap(raw);
    case 'kvpairs':
      return toKvPairs(raw);
    case 'slice':
      return Array.isArray(raw) ? [...raw] : [raw];
    case 'string-slice':
      return toStringSlice(raw);
    case 'comma-string-slice':
      return toCommaStringSlice(raw);
    case 'comma-int-slice':
      return toCommaIntSlice(raw);
    case 'header':
      return toHeader(raw);
    case 'time':
      return toTime(raw);
    default:
      return fail(`unknown field type "${String(type)}"`);
  }
}

function toStr(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  if (typeof raw === 'boolean') return raw ? '1' : '0';
  return fail('expected a string');
}

const nameRe = /^\w(?:[\w.-]*\w)?$/;

function toName(raw: unknown): string {
  const s = toStr(raw);
  if (!nameRe.test(s)) {
    fail('must start and end with a letter, digit or underscore, and contain only those characters, "-" and "."');
  }
  return s;
}

function toInt(raw: unknown): number {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) fail('expected an integer');
    return raw;
  }
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (s === '') return 0;
    if (/^[+-]?\d+$/.test(s)) return Number.parseInt(s, 10);
  }
  return fail('expected an integer');
}

function toFloat(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (s === '') return 0;
    const n = Number(s);
    if (Number.isFinite(n)) return n;
  }
  return fail('expected a number');
}

function toBool(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return raw !== 0;
  if (typeof raw === 'string') {
    const s = raw.trim();
    // An empty form value is false, as in Vault's weak decoding.
    const parsed = s === '' ? false : parseBool(s);
    if (parsed !== undefined) return parsed;
  }
  return fail('expected a boolean (true, false, 1 or 0)');
}

function toDuration(raw: unknown): number {
  let seconds: number;
  try {
    seconds = parseDuration(raw);
  } catch (err) {
    if (isCofferError(err)) fail('expected a number of seconds or a duration such as "30s", "5m", "1h30m" or "2d"');
    throw err;
  }
  if (seconds < 0) fail('a duration cannot be negative');
  return seconds;
}

function isPlainObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !Buffer.isBuffer(raw) && !(raw instanceof Date);
}

function toMap(raw: unknown): Record<string, unknown> {
  if (isPlainObject(raw)) return { ...raw };
  if (Array.isArray(raw) && raw.length === 0) return {};
  // The CLI sends nested values as JSON text; accept an object written that way.
  if (typeof raw === 'string') {
    const parsed = tryJson(raw);
    if (isPlainObject(parsed)) return parsed;
  }
  return fail('expected a map (a JSON object)');
}

function toKvPairs(raw: unknown): Record<string, string> {
  if (isPlainObject(raw)) {
    const out = ownKeysOnly<string>();
    for (const [k, v] of Object.entries(raw)) {
      if (v === null || v === undefined) out[k] = '';
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = toStr(v);
      else fail('expected string values in the key-value pairs');
    }
    return { ...out };
  }
  const out = ownKeysOnly<string>();
  for (const item of Array.isArray(raw) ? raw : [raw]) {
    const pair = toStr(item);
    const eq = pair.indexOf('=');
    if (eq <= 0) fail('expected key-value pairs written as "key=value"');
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { ...out };
}

function toStringSlice(raw: unknown): string[] {
  if (raw === '') return [];
  const items = Array.isArray(raw) ? raw : [raw];
  return items.map((item) => listItemToStr(item).trim());
}

function toCommaStringSlice(raw: unknown): string[] {
  if (typeof raw === 'string') {
    const s = raw.trim();
    return s === '' ? [] : s.split(',').map((part) => part.trim());
  }
  const items = Array.isArray(raw) ? raw : [raw];
  return items.map((item) => listItemToStr(item).trim());
}

function listItemToStr(item: unknown): string {
  try {
    return toStr(item);
  } catch {
    return fail('expected a list of strings');
  }
}

function toCommaIntSlice(raw: unknown): number[] {
  let items: unknown[];
  if (typeof raw === 'string') {
    const s = raw.trim();
    items = s === '' ? [] : s.split(',');
  } else {
    items = Array.isArray(raw) ? raw : [raw];
  }
  return items.map((item) => {
    try {
      return toInt(typeof item === 'string' ? item.trim() : item);
    } catch {
      return fail('expected a list of integers (a JSON array or "1,2,3")');
    }
  });
}

/**
 * Headers arrive as an object (values a string or a list), as JSON text
 * (optionally base64-encoded, which is how the API packs them into a single
 * header), or from the CLI as "Name:value" strings.
 */
function toHeader(raw: unknown): Record<string, string[]> {
  const header = ownKeysOnly<string[]>();
  const add = (name: string, value: unknown): void => {
    const key = canonicalHeaderKey(name);
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      let s: string;
      try {
        s = toStr(v);
      } catch {
        return fail('expected header values to be strings or lists of strings');
      }
      (header[key] ??= []).push(s);
    }
  };
  let source = raw;
  if (typeof source === 'string') {
    const decoded = decodeHeaderJson(source);
    if (decoded !== undefined) source = decoded;
  }
  if (isPlainObject(source)) {
    for (const [k, v] of Object.entries(source)) add(k, v);
    return { ...header };
  }
  for (const item of Array.isArray(source) ? source : [source]) {
    const pair = listItemToStr(item);
    const colon = pair.indexOf(':');
    if (colon <= 0) fail('expected headers written as "Name:value"');
    add(pair.slice(0, colon), pair.slice(colon + 1));
  }
  return { ...header };
}

function decodeHeaderJson(text: string): Record<string, unknown> | undefined {
  const direct = tryJson(text);
  if (isPlainObject(direct)) return direct;
  if (/^[A-Za-z0-9+/=_-]+$/.test(text)) {
    const fromBase64 = tryJson(Buffer.from(text, 'base64').toString('utf8'));
    if (isPlainObject(fromBase64)) return fromBase64;
  }
  return undefined;
}

/** Go's textproto.CanonicalMIMEHeaderKey: "content-type" → "Content-Type". */
export function canonicalHeaderKey(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

function toTime(raw: unknown): Date {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) fail('expected a valid time');
    return new Date(raw.getTime());
  }
  if (typeof raw === 'number' && Number.isFinite(raw)) return new Date(Math.trunc(raw) * 1000);
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (/^[+-]?\d+$/.test(s)) return new Date(Number.parseInt(s, 10) * 1000);
    if (rfc3339.test(s)) {
      const ms = Date.parse(s);
      if (!Number.isNaN(ms)) return new Date(ms);
    }
  }
  return fail('expected an RFC 3339 time (2006-01-02T15:04:05Z) or Unix seconds');
}

/**
 * A map built from client-chosen keys: without a prototype, so that keys
 * such as "__proto__" or "constructor" are stored as keys and never reach
 * Object.prototype. Callers return a spread copy (spreading keeps such keys as own properties).
 */
function ownKeysOnly<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
