import { CofferError } from '@coffer/sdk';
import { setOwn } from './merge-patch.js';

export const MAX_CUSTOM_METADATA_KEYS = 64;
export const MAX_CUSTOM_METADATA_KEY_BYTES = 128;
export const MAX_CUSTOM_METADATA_VALUE_BYTES = 512;
const prefix = 'custom_metadata validation failed';

/**
 * custom_metadata as sent (a JSON object) → string values. Numbers and
 * booleans are converted as Vault's weak decoding does; nested objects and
 * arrays are refused. A null becomes "" — or, for a patch (`keepNulls`),
 * stays null so the merge removes that key.
 */
export function parseCustomMetadata(raw: Record<string, unknown>, keepNulls: boolean): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) {
      setOwn(out, key, keepNulls ? null : '');
    } else if (typeof value === 'string') {
      setOwn(out, key, value);
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      setOwn(out, key, String(value));
    } else if (typeof value === 'boolean') {
      setOwn(out, key, value ? '1' : '0');
    } else {
      throw new CofferError('invalid_request', `${prefix}: the value for key ${quote(key)} must be a string, not an object or a list`);
    }
  }
  return out;
}

/**
 * Vault's limits: at most 64 keys; each key 1–128 bytes and each value
 * 1–512 bytes, printable characters only. Every problem is reported, in
 * Vault's multi-error format. Nulls (removals in a patch) are not checked.
 */
export function validateCustomMetadata(metadata: Record<string, string | null>): void {
  const keys = Object.keys(metadata);
  if (keys.length > MAX_CUSTOM_METADATA_KEYS) {
    throw invalid([`${prefix}: payload must contain at most ${MAX_CUSTOM_METADATA_KEYS} keys, provided ${keys.length}`]);
  }
  const problems: string[] = [];
  for (const key of keys) {
    const value = metadata[key];
    if (value === null || value === undefined) continue;
    const keyBytes = Buffer.byteLength(key, 'utf8');
    if (keyBytes === 0 || keyBytes > MAX_CUSTOM_METADATA_KEY_BYTES) {
      problems.push(`${prefix}: length of key ${quote(key)} is ${keyBytes} but must be 0 < len(key) <= ${MAX_CUSTOM_METADATA_KEY_BYTES}`);
    }
    const valueBytes = Buffer.byteLength(value, 'utf8');
    if (valueBytes === 0 || valueBytes > MAX_CUSTOM_METADATA_VALUE_BYTES) {
      problems.push(`${prefix}: length of value for key ${quote(key)} is ${valueBytes} but must be 0 < len(value) <= ${MAX_CUSTOM_METADATA_VALUE_BYTES}`);
    }
    if (!isPrintable(key)) problems.push(`${prefix}: key ${quote(key)} contains unprintable characters`);
    if (!isPrintable(value)) problems.push(`${prefix}: value for key ${quote(key)} contains unprintable characters`);
  }
  if (problems.length > 0) throw invalid(problems);
}

/** Stored form: an empty map is kept as null, which is what reads show for "none". */
export function storedCustomMetadata(metadata: Record<string, string | null>): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) if (value !== null) setOwn(out, key, value);
  return Object.keys(out).length > 0 ? out : null;
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrintable(text: string): boolean {
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u.test(text);
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** go-multierror's rendering, which Vault returns as one error string. */
function invalid(problems: string[]): CofferError {
  const message =
    problems.length === 1
      ? `1 error occurred:\n\t* ${problems[0]}\n\n`
      : `${problems.length} errors occurred:\n\t${problems.map((p) => `* ${p}`).join('\n\t')}\n\n`;
  return new CofferError('invalid_request', message);
}
