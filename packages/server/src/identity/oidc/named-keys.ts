import { randomUUID, type JsonWebKey } from 'node:crypto';
import { getJson, putJson, type Storage } from '@coffer/sdk';
import { newKeyPair, type SigningAlgorithm } from './jws.js';

export const KEY_PREFIX = 'oidc/key/';

/** A named signing key of identity tokens, as stored (the private key only through the barrier). */
export interface NamedKey {
  name: string;
  algorithm: SigningAlgorithm;
  /** Seconds. */
  rotationPeriod: number;
  /** Seconds a rotated-out public key stays published for verification. */
  verificationTtl: number;
  allowedClientIds: string[];
  signing: { kid: string; privatePem: string } | null;
  /** Public keys published at .well-known/keys: the signing key's (expireAt 0) and rotated-out ones until they expire. */
  keyRing: Array<{ kid: string; publicJwk: JsonWebKey; expireAt: number }>;
  /** Milliseconds since the epoch. */
  nextRotation: number;
}

export function readKey(storage: Storage, name: string): Promise<NamedKey | null> {
  return getJson<NamedKey>(storage, KEY_PREFIX + name);
}

export async function listKeys(storage: Storage): Promise<string[]> {
  return (await storage.list(KEY_PREFIX)).filter((k) => !k.endsWith('/'));
}

/**
 * Make a new signing key pair current: the old public key stays published
 * for `verificationTtl` seconds, keys past that are dropped.
 */
export async function rotateKey(key: NamedKey, now: number, verificationTtl = key.verificationTtl): Promise<void> {
  const kid = randomUUID();
  const pair = await newKeyPair(key.algorithm, kid);
  key.keyRing = key.keyRing
    .map((k) => (k.expireAt === 0 ? { ...k, expireAt: now + verificationTtl * 1000 } : k))
    .filter((k) => k.expireAt > now);
  key.keyRing.push({ kid, publicJwk: pair.publicJwk, expireAt: 0 });
  key.signing = { kid, privatePem: pair.privatePem };
  key.nextRotation = now + key.rotationPeriod * 1000;
}

/** The key, rotated first if its rotation period has passed (keys rotate when used, and when published). */
export async function currentKey(storage: Storage, name: string, now: number): Promise<NamedKey | null> {
  const key = await readKey(storage, name);
  if (!key) return null;
  if (!key.signing || now >= key.nextRotation || key.keyRing.some((k) => k.expireAt !== 0 && k.expireAt <= now)) {
    if (!key.signing || now >= key.nextRotation) await rotateKey(key, now);
    else key.keyRing = key.keyRing.filter((k) => k.expireAt === 0 || k.expireAt > now);
    await putJson(storage, KEY_PREFIX + name, key);
  }
  return key;
}

export function keyAllowsClient(key: NamedKey, clientId: string): boolean {
  return key.allowedClientIds.includes('*') || key.allowedClientIds.includes(clientId);
}
