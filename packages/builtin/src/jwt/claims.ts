import type { Claims } from './verify-jwt.js';

/** A claim the role refers to is missing or has the wrong shape; the message names the claim, never its value. */
export class ClaimError extends Error {}

/**
 * A claim by name, or by JSON pointer (RFC 6901) when the name starts with
 * "/": "/address/country" reads a nested value.
 */
export function getClaim(claims: Claims, name: string): unknown {
  if (!name.startsWith('/')) return plainClaim(claims, name);
  let current: unknown = claims;
  for (const raw of name.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (typeof current === 'object' && current !== null) {
      current = plainClaim(current as Claims, token);
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/** A top-level claim by its exact name (never a JSON pointer); inherited properties are not claims. */
export function plainClaim(object: Claims, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
}

type Scalar = string | number | boolean;

/** A string, number, boolean or a list of them, as a list; undefined for anything else. */
export function normalizeList(raw: unknown): Scalar[] | undefined {
  if (typeof raw === 'string' || typeof raw === 'boolean' || typeof raw === 'number') return [raw];
  if (Array.isArray(raw)) return raw as Scalar[];
  return undefined;
}

/** go-glob semantics: "*" matches any run of characters, nothing else is special. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!value.startsWith(first)) return false;
  let index = first.length;
  for (const middle of parts.slice(1, -1)) {
    const found = value.indexOf(middle, index);
    if (found < 0) return false;
    index = found + middle.length;
  }
  return value.length - last.length >= index && value.endsWith(last);
}

function sameValue(expected: unknown, actual: unknown): boolean {
  return (typeof expected === 'string' || typeof expected === 'boolean' || typeof expected === 'number') && expected === actual;
}

/** Every bound claim must be present and match one of its values (exactly, or as a glob). */
export function validateBoundClaims(boundClaims: Record<string, unknown>, type: 'string' | 'glob', claims: Claims): void {
  for (const [name, expectedRaw] of Object.entries(boundClaims)) {
    const actualRaw = getClaim(claims, name);
    if (actualRaw === undefined || actualRaw === null) throw new ClaimError(`claim ${JSON.stringify(name)} is missing`);
    const actual = normalizeList(actualRaw);
    if (!actual) throw new ClaimError(`claim ${JSON.stringify(name)} is not a string, bool, int or list`);
    const expected = normalizeList(expectedRaw);
    if (!expected) throw new ClaimError(`bound claim ${JSON.stringify(name)} is not a string, bool, int or list`);
    const found = expected.some((exp) =>
      actual.some((act) => (type === 'glob' ? typeof exp === 'string' && typeof act === 'string' && globMatch(exp, act) : sameValue(exp, act))),
    );
    if (!found) throw new ClaimError(`claim ${JSON.stringify(name)} does not match any associated bound claim values`);
  }
}

/** claim_mappings applied: each mapped claim present in the token becomes a metadata value (it must be a string). */
export function extractMetadata(claims: Claims, mappings: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [source, target] of Object.entries(mappings)) {
    const value = getClaim(claims, source);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new ClaimError(`error converting claim '${source}' to string`);
    metadata[target] = value;
  }
  return metadata;
}
