import { constants, createHmac, privateDecrypt, publicEncrypt } from 'node:crypto';
import { invalidRequest } from '@coffer/sdk';
import { aeadOpen, aeadSeal, NONCE_BYTES } from './aead.js';
import { deriveBytes, symmetricKey } from './derive.js';
import { privateKeyOf, publicKeyOf } from './key-material.js';
import { keyVersionOf, type KeyPolicy, type KeyVersion } from './key-policy.js';
import { CONVERGENT_VERSION } from './key-ring.js';
import { TRAITS } from './key-types.js';
import { decodeBase64, parseVersioned, withVersion } from './versioned-value.js';

export interface EncryptInput {
  plaintext: Buffer;
  context?: Buffer;
  /** Only convergent keys of the first scheme took a caller's nonce; Coffer refuses it otherwise. */
  nonce?: Buffer;
  associatedData?: Buffer;
  /** 0: the latest version. */
  keyVersion: number;
}

/** The version an encryption or signature uses, checked as Vault checks it. */
export function versionForUse(policy: KeyPolicy, requested: number, use: 'encryption' | 'signing'): { version: number; entry: KeyVersion } {
  let version = requested;
  if (version === 0) version = policy.latest_version;
  else if (version < 0) throw invalidRequest(`requested version for ${use} is negative`);
  else if (version > policy.latest_version) throw invalidRequest(`requested version for ${use} is higher than the latest key version`);
  else if (policy.min_encryption_version > 0 && version < policy.min_encryption_version) {
    throw invalidRequest(`requested version for ${use} is less than the minimum encryption key version`);
  }
  const entry = keyVersionOf(policy, version);
  if (!entry) throw invalidRequest('no such key version');
  return { version, entry };
}

/** Encrypt into "vault:v<N>:<base64>". */
export function encrypt(policy: KeyPolicy, input: EncryptInput): { ciphertext: string; version: number } {
  const traits = TRAITS[policy.type];
  if (!traits.encryption) throw invalidRequest(`message encryption not supported for key type ${policy.type}`);
  const { version, entry } = versionForUse(policy, input.keyVersion, 'encryption');
  if (input.nonce && input.nonce.length > 0) throw invalidRequest('provided nonce not allowed for this key');
  let sealed: Buffer;
  if (traits.aeadKeyBytes > 0) {
    const encBytes = traits.aeadKeyBytes;
    let key: Buffer;
    let nonce: Buffer | undefined;
    if (policy.convergent_encryption) {
      // The nonce is an HMAC of the plaintext, so equal inputs seal equally.
      // Vault's scheme 3 derives key || HMAC key from the context; scheme 2
      // (keys from older Vault versions) uses the context itself as HMAC key.
      const scheme = entry.convergent_version ?? CONVERGENT_VERSION;
      let hmacKey: Buffer;
      if (scheme >= 3) {
        const both = deriveBytes(entry, input.context, encBytes + 32);
        key = both.subarray(0, encBytes);
        hmacKey = both.subarray(encBytes);
      } else if (scheme === 2) {
        key = symmetricKey(policy, entry, input.context, encBytes);
        hmacKey = input.context!;
      } else {
        throw invalidRequest('convergent encryption version 1 (caller-chosen nonces) is not supported');
      }
      nonce = createHmac('sha256', hmacKey).update(input.plaintext).digest().subarray(0, NONCE_BYTES);
    } else {
      key = symmetricKey(policy, entry, input.context, encBytes);
    }
    sealed = aeadSeal(policy.type, key, input.plaintext, nonce, input.associatedData);
  } else {
    if (input.associatedData && input.associatedData.length > 0) throw invalidRequest(`key type ${policy.type} does not support associated_data`);
    sealed = publicEncrypt({ key: publicKeyOf(entry), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, input.plaintext);
  }
  return { ciphertext: withVersion(version, sealed.toString('base64')), version };
}

export interface DecryptInput {
  ciphertext: string;
  context?: Buffer;
  nonce?: Buffer;
  associatedData?: Buffer;
}

/** Decrypt "vault:v<N>:<base64>"; every failure is the caller's (400). */
export function decrypt(policy: KeyPolicy, input: DecryptInput): { plaintext: Buffer; version: number } {
  const traits = TRAITS[policy.type];
  if (!traits.encryption) throw invalidRequest(`message decryption not supported for key type ${policy.type}`);
  const { version, body } = parseVersioned(policy, input.ciphertext, 'ciphertext');
  const entry = keyVersionOf(policy, version);
  if (!entry) throw invalidRequest('no such key version');
  if (policy.convergent_encryption && (entry.convergent_version ?? 3) === 1) {
    throw invalidRequest('convergent encryption version 1 ciphertexts are not supported');
  }
  const sealed = decodeBase64(body, 'invalid ciphertext: could not decode base64');
  if (traits.aeadKeyBytes > 0) {
    const key = symmetricKey(policy, entry, input.context, traits.aeadKeyBytes);
    return { plaintext: aeadOpen(policy.type, key, sealed, input.associatedData), version };
  }
  try {
    const plaintext = privateDecrypt({ key: privateKeyOf(entry), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, sealed);
    return { plaintext, version };
  } catch {
    throw invalidRequest('failed to RSA decrypt the ciphertext: crypto/rsa: decryption error');
  }
}
