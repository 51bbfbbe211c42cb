// Diffie-Hellman encryption of a sink's contents, as Vault Agent does it: an
// ephemeral curve25519 key pair, the shared secret with the public key in
// dh_path (optionally through HKDF-SHA256 over both public keys), AES-256-GCM
// with the configured AAD. The file holds Vault's envelope
// {"curve25519_public_key", "nonce", "encrypted_payload"} (base64 fields).
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, createCipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export interface DhEnvelope {
  curve25519_public_key: string;
  nonce: string;
  encrypted_payload: string;
}

/** Reads dh_path: {"curve25519_public_key": "<base64 of 32 bytes>"}. */
export async function readDhPublicKey(path: string): Promise<Buffer> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the DH public key file "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const b64 = (parsed as { curve25519_public_key?: unknown })?.curve25519_public_key;
  const key = typeof b64 === 'string' ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new Error(`DH public key file "${path}" must hold {"curve25519_public_key": "<base64 of 32 bytes>"}`);
  return key;
}

function rawPublic(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');
}

export function x25519PublicKey(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export function x25519PrivateKey(rawPrivate: Buffer, rawPub: Buffer): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: rawPrivate.toString('base64url'), x: rawPub.toString('base64url') }, format: 'jwk' });
}

/** HKDF-SHA256 of the shared secret, salt and info being the two public keys in byte order. */
export function deriveSharedKey(secret: Buffer, ours: Buffer, theirs: Buffer): Buffer {
  const order = Buffer.compare(ours, theirs);
  if (order === 0) throw new Error('the same public key was given for both parties');
  const [first, second] = order < 0 ? [ours, theirs] : [theirs, ours];
  return Buffer.from(hkdfSync('sha256', secret, first, second, 32));
}

export function dhEncrypt(plaintext: string, theirPublic: Buffer, deriveKey: boolean, aad: string): DhEnvelope {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const ours = rawPublic(publicKey);
  const shared = diffieHellman({ privateKey, publicKey: x25519PublicKey(theirPublic) });
  const key = deriveKey ? deriveSharedKey(shared, ours, theirPublic) : shared;
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const payload = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { curve25519_public_key: ours.toString('base64'), nonce: nonce.toString('base64'), encrypted_payload: payload.toString('base64') };
}
