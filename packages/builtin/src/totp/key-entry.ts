import { getJson, putJson, type Storage } from '@coffer/sdk';

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';
export const TOTP_ALGORITHMS: readonly TotpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];

/** A key as stored under "key/<name>" (inside the barrier). */
export interface TotpKey {
  /** The shared secret, base32 without padding. */
  key: string;
  issuer: string;
  account_name: string;
  /** Seconds per code. */
  period: number;
  algorithm: TotpAlgorithm;
  digits: 6 | 8;
  /** Periods before and after the current one that validation also accepts (0 or 1). */
  skew: number;
}

const KEY_PREFIX = 'key/';

export const readKey = (storage: Storage, name: string): Promise<TotpKey | null> => getJson<TotpKey>(storage, KEY_PREFIX + name);
export const writeKey = (storage: Storage, name: string, key: TotpKey): Promise<void> => putJson(storage, KEY_PREFIX + name, key);
export const deleteKey = (storage: Storage, name: string): Promise<void> => storage.delete(KEY_PREFIX + name);
export const listKeyNames = async (storage: Storage): Promise<string[]> => (await storage.list(KEY_PREFIX)).filter((k) => !k.endsWith('/'));
