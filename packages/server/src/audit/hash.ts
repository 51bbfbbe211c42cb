import { createHmac } from 'node:crypto';

export type Hasher = (value: string) => string;

/** Vault's audit HMAC: "hmac-sha256:" + hex HMAC-SHA256 under the device's salt. */
export function hmacHasher(salt: Buffer): Hasher {
  return (value) => 'hmac-sha256:' + createHmac('sha256', salt).update(value, 'utf8').digest('hex');
}

/**
 * Replace every string inside a JSON-like value with its HMAC, leaving
 * numbers, booleans, nulls and the listed keys (audit_non_hmac_*) alone.
 * Returns a new value; the input is not mutated.
 */
export function hashStructure(value: unknown, hash: Hasher, nonHmacKeys: ReadonlySet<string> = new Set()): unknown {
  if (typeof value === 'string') return hash(value);
  if (Buffer.isBuffer(value)) return hash(value.toString('base64'));
  if (Array.isArray(value)) return value.map((v) => hashStructure(v, hash, nonHmacKeys));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    // fromEntries defines own properties: a key named "__proto__" stays a key.
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, nonHmacKeys.has(k) ? v : hashStructure(v, hash, nonHmacKeys)]),
    );
  }
  return value;
}
