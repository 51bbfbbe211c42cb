import { hkdfSync, type KeyObject } from 'node:crypto';
import { invalidRequest } from '@coffer/sdk';
import { ed25519PrivateKeyFromSeed } from './key-material.js';
import type { KeyPolicy, KeyVersion } from './key-policy.js';

const MISSING_CONTEXT =
  "missing 'context' for key derivation; the key was created using a derived key, which means additional, per-request information must be included in order to perform operations with the key";

/**
 * Vault's key derivation for derived keys: HKDF-SHA256 with the version's
 * key bytes as input keying material, no salt and the request's context as
 * info. Because HKDF output is a prefix stream, asking for more bytes (the
 * convergent scheme asks for key || HMAC key) leaves the first ones equal.
 */
export function deriveBytes(entry: KeyVersion, context: Buffer | undefined, length: number): Buffer {
  if (!context || context.length === 0) throw invalidRequest(MISSING_CONTEXT);
  const ikm = Buffer.from(entry.key ?? '', 'base64');
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), context, length));
}

/** The symmetric key of a version: the stored key, or one derived from the context. */
export function symmetricKey(policy: KeyPolicy, entry: KeyVersion, context: Buffer | undefined, length: number): Buffer {
  if (!policy.derived) return Buffer.from(entry.key ?? '', 'base64');
  return deriveBytes(entry, context, length);
}

/** A derived ed25519 key: the first 32 bytes of HKDF output are the seed. */
export function derivedEd25519Key(entry: KeyVersion, context: Buffer | undefined): KeyObject {
  return ed25519PrivateKeyFromSeed(deriveBytes(entry, context, 32));
}
