import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters. Stored with every hash so that raising the defaults never breaks old hashes. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  n: number;
  r: number;
  p: number;
  keyLength: number;
}

/** What is stored instead of a password. */
export interface PasswordHash {
  algorithm: 'scrypt';
  n: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}

/** 2^15 with r=8 costs 32 MiB and tens of milliseconds per guess: OWASP's recommended floor for scrypt. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { n: 2 ** 15, r: 8, p: 1, keyLength: 32 };

const SALT_BYTES = 16;

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params.n, params.r, params.p, params.keyLength);
  return { algorithm: 'scrypt', n: params.n, r: params.r, p: params.p, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

/** Recompute the hash with the stored salt and parameters and compare in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (stored.algorithm !== 'scrypt') return false;
  const expected = Buffer.from(stored.hash, 'base64');
  if (expected.length === 0) return false;
  const actual = await derive(password, Buffer.from(stored.salt, 'base64'), stored.n, stored.r, stored.p, expected.length);
  return timingSafeEqual(actual, expected);
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  // scrypt needs 128*N*r bytes; Node refuses above 32 MiB unless told otherwise.
  const maxmem = 256 * n * r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, { N: n, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * A hash of a random password, checked against when a login names an
 * unknown user, so such a login costs the same scrypt work as a real one and
 * its timing does not reveal which user names exist.
 */
export async function dummyPasswordHash(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<PasswordHash> {
  return hashPassword(randomBytes(24).toString('base64'), params);
}
