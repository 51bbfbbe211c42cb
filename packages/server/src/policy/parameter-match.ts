import { isDeepStrictEqual } from 'node:util';

/**
 * Value matching for allowed_parameters and denied_parameters, as Vault does
 * it: an empty list matches any value; a string entry may glob with a
 * leading and/or trailing "*"; a list value (or a comma-separated string,
 * since the field may be a comma-string-slice) is checked element by element.
 */

/** Does the allowed list admit `value`? Every element of a list value must be allowed. */
export function valueAllowed(value: unknown, list: readonly unknown[]): boolean {
  if (list.length === 0 || valueInList(value, list)) return true;
  const elements = splitValue(value);
  return elements !== null && elements.every((v) => valueInList(v, list));
}

/** Does the denied list catch `value`? One denied element of a list value is enough. */
export function valueDenied(value: unknown, list: readonly unknown[]): boolean {
  if (list.length === 0 || valueInList(value, list)) return true;
  const elements = splitValue(value);
  return elements !== null && elements.some((v) => valueInList(v, list));
}

/** Vault's glob: "*" at the start, the end, or both; shorter patterns match exactly. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern.length < 2) return pattern === value;
  const leading = pattern.startsWith('*');
  const trailing = pattern.endsWith('*');
  if (leading && trailing) return value.includes(pattern.slice(1, -1));
  if (leading) return value.endsWith(pattern.slice(1));
  if (trailing) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

function valueInList(value: unknown, list: readonly unknown[]): boolean {
  for (const entry of list) {
    if (entry === null || value === null || value === undefined) {
      if (entry === (value ?? null)) return true;
    } else if (typeof entry === 'string') {
      if (typeof value === 'string' && globMatch(entry, value)) return true;
    } else if (isDeepStrictEqual(entry, value)) {
      return true;
    }
  }
  return false;
}

/** The elements of a list value, or of a comma-separated string; null for anything else. */
function splitValue(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    // Vault's comma-string-slice parsing: "" is an empty list, elements are trimmed.
    return value === '' ? [] : value.split(',').map((s) => s.trim());
  }
  return null;
}
