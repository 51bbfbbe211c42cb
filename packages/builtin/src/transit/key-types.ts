/**
 * The key types of the transit engine, with Vault's names, and what each
 * can do. One table answers every "does this type support X" question so
 * the paths never repeat a list of type names.
 */
export const KEY_TYPES = [
  'aes128-gcm96',
  'aes256-gcm96',
  'chacha20-poly1305',
  'ed25519',
  'ecdsa-p256',
  'ecdsa-p384',
  'ecdsa-p521',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
  'hmac',
] as const;

export type KeyType = (typeof KEY_TYPES)[number];

export interface KeyTypeTraits {
  encryption: boolean;
  signing: boolean;
  derivation: boolean;
  /** Signing hashes the input first (ECDSA, RSA); ed25519 signs the message itself. */
  hashesSignatureInput: boolean;
  /** Symmetric AEAD key length in bytes (0 for other kinds). */
  aeadKeyBytes: number;
  /** Bits of an RSA modulus, or the curve of an ECDSA key. */
  rsaBits?: number;
  curve?: 'P-256' | 'P-384' | 'P-521';
}

const aead = (bytes: number): KeyTypeTraits => ({ encryption: true, signing: false, derivation: true, hashesSignatureInput: false, aeadKeyBytes: bytes });
const ecdsa = (curve: KeyTypeTraits['curve']): KeyTypeTraits => ({ encryption: false, signing: true, derivation: false, hashesSignatureInput: true, aeadKeyBytes: 0, curve });
const rsa = (bits: number): KeyTypeTraits => ({ encryption: true, signing: true, derivation: false, hashesSignatureInput: true, aeadKeyBytes: 0, rsaBits: bits });

export const TRAITS: Record<KeyType, KeyTypeTraits> = {
  'aes128-gcm96': aead(16),
  'aes256-gcm96': aead(32),
  'chacha20-poly1305': aead(32),
  ed25519: { encryption: false, signing: true, derivation: true, hashesSignatureInput: false, aeadKeyBytes: 0 },
  'ecdsa-p256': ecdsa('P-256'),
  'ecdsa-p384': ecdsa('P-384'),
  'ecdsa-p521': ecdsa('P-521'),
  'rsa-2048': rsa(2048),
  'rsa-3072': rsa(3072),
  'rsa-4096': rsa(4096),
  hmac: { encryption: false, signing: false, derivation: false, hashesSignatureInput: false, aeadKeyBytes: 0 },
};

export function isKeyType(value: string): value is KeyType {
  return (KEY_TYPES as readonly string[]).includes(value);
}

export function isAsymmetric(type: KeyType): boolean {
  return type === 'ed25519' || TRAITS[type].curve !== undefined || TRAITS[type].rsaBits !== undefined;
}

/** HMAC keys may be 32 to 512 bytes long, as in Vault. */
export const HMAC_MIN_KEY_BYTES = 32;
export const HMAC_MAX_KEY_BYTES = 512;
