// How Go's text/template sees decoded JSON values: truth, printing (%v) and
// the comparison rules of eq/lt/… . `undefined` stands for Go's invalid value
// ("no value"), `null` for a nil interface.
import { goValue } from '../../format/go-value.js';

export function isTrue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** What {{ value }} prints. */
export function printValue(value: unknown): string {
  if (value === undefined || value === null) return '<no value>';
  return formatV(value);
}

/** fmt's %v for a value inside other output (nil is "<nil>"). */
export function formatV(value: unknown): string {
  if (typeof value === 'number') return formatFloat(value);
  if (Array.isArray(value)) return `[${value.map(formatV).join(' ')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const obj = value as Record<string, unknown>;
    const entries = Object.keys(obj)
      .sort()
      .map((k) => `${k}:${formatV(obj[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return goValue(value);
}

/** Go's %v of a float64: shortest form, exponent beyond 1e21 as Go writes it. */
export function formatFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const s = String(n);
  // JS writes 1e+21 and 1e-7 as Go does, except Go pads the exponent to two digits.
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

export function typeName(value: unknown): string {
  if (value === undefined) return 'invalid';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return '[]interface {}';
  if (typeof value === 'function') return 'func';
  return 'map[string]interface {}';
}

function basicKind(value: unknown): 'bool' | 'number' | 'string' | 'nil' | 'other' {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  return 'other';
}

/** eq: arg1 == arg2 || arg1 == arg3 …, with Go's "incompatible types" error. */
export function goEq(a: unknown, ...others: unknown[]): boolean {
  if (others.length === 0) throw new Error('missing argument for comparison');
  const ka = basicKind(a);
  for (const b of others) {
    const kb = basicKind(b);
    if (ka === 'nil' || kb === 'nil') {
      if (ka === kb) return true;
      continue;
    }
    if (ka === 'other' || kb === 'other') throw new Error(`non-comparable type ${typeName(ka === 'other' ? a : b)}`);
    if (ka !== kb) throw new Error('incompatible types for comparison');
    if (a === b) return true;
  }
  return false;
}

export function goLess(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'bool' || ka === 'nil' || ka === 'other' || kb === 'bool' || kb === 'nil' || kb === 'other') {
    throw new Error(`invalid type for comparison`);
  }
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return (a as number | string) < (b as number | string);
}
