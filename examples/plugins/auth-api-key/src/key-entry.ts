import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { getJson, putJson, type Storage } from '@coffer/sdk';

/** One API key as stored under keys/<name>. The key itself is never stored, only its SHA-256. */
export interface KeyEntry {
  key_sha256: string;
  policies: string[];
  /** Token TTL in seconds; 0 means the mount's default. */
  ttl: number;
  created_time: string;
  /** Written by version 2 only; version 1 leaves it alone. */
  last_login_time?: string;
}

const PREFIX = 'keys/';

export const readKey = (storage: Storage, name: string): Promise<KeyEntry | null> => getJson<KeyEntry>(storage, PREFIX + name);
export const writeKey = (storage: Storage, name: string, entry: KeyEntry): Promise<void> => putJson(storage, PREFIX + name, entry);
export const deleteKey = (storage: Storage, name: string): Promise<void> => storage.delete(PREFIX + name);
export const listKeys = (storage: Storage): Promise<string[]> => storage.list(PREFIX);

/**
 * A new API key: "<name>:<32 random bytes, base64url>". The name in front
 * lets a login find the entry without a search; the random part is what
 * proves possession. Keys carry 256 bits of entropy, so a plain SHA-256 is
 * enough to store them (a password hash would add nothing but cost).
 */
export function generateKey(name: string): { key: string; sha256: string } {
  const key = `${name}:${randomBytes(32).toString('base64url')}`;
  return { key, sha256: sha256Hex(key) };
}

/** The key's name, or '' when the text is not shaped like a key. */
export function nameOfKey(key: string): string {
  const colon = key.indexOf(':');
  return colon > 0 ? key.slice(0, colon) : '';
}

export function keyMatches(key: string, entry: KeyEntry): boolean {
  const given = Buffer.from(sha256Hex(key), 'hex');
  const stored = Buffer.from(entry.key_sha256, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
