import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import { invalidRequest } from '@coffer/sdk';
import type { KeyType } from './key-types.js';

export const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function algorithmOf(type: KeyType): CipherGCMTypes | 'chacha20-poly1305' {
  switch (type) {
    case 'aes128-gcm96':
      return 'aes-128-gcm';
    case 'aes256-gcm96':
      return 'aes-256-gcm';
    case 'chacha20-poly1305':
      return 'chacha20-poly1305';
    default:
      throw invalidRequest(`key type ${type} is not an AEAD key`);
  }
}

/**
 * Seal with the key type's AEAD. The output is Vault's layout:
 * nonce (12 bytes) || ciphertext || tag (16 bytes).
 */
export function aeadSeal(type: KeyType, key: Buffer, plaintext: Buffer, nonce: Buffer = randomBytes(NONCE_BYTES), aad?: Buffer): Buffer {
  const cipher = createCipheriv(algorithmOf(type) as CipherGCMTypes, key, nonce, { authTagLength: TAG_BYTES });
  if (aad && aad.length > 0) cipher.setAAD(aad, { plaintextLength: plaintext.length });
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** Open Vault's nonce || ciphertext || tag layout; a bad tag is Go's "message authentication failed". */
export function aeadOpen(type: KeyType, key: Buffer, sealed: Buffer, aad?: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES) throw invalidRequest('invalid ciphertext length');
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw invalidRequest('cipher: message authentication failed');
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv(algorithmOf(type) as CipherGCMTypes, key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  if (aad && aad.length > 0) decipher.setAAD(aad, { plaintextLength: body.length });
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw invalidRequest('cipher: message authentication failed');
  }
}
