import type { KeyType } from './key-types.js';

/**
 * One version of a named key. Byte strings are base64. Asymmetric private
 * keys are kept as PKCS#8 DER; ed25519 also keeps Vault's 64-byte private
 * key form (seed || public key) in `key` because derived ed25519 keys are
 * derived from those bytes.
 */
export interface KeyVersion {
  /** AEAD key, HMAC key of an hmac-type key, or ed25519 seed || public key. */
  key?: string;
  /** PKCS#8 DER of an asymmetric private key. */
  private_key?: string;
  /** PKIX DER of a public key imported without its private half. */
  public_key_der?: string;
  /** The public key as Vault shows it: PEM for ECDSA and RSA, base64 for ed25519. */
  public_key?: string;
  /** Key of the hmac/ endpoint (and convergent nonces) for every non-hmac type. */
  hmac_key: string;
  /** RFC 3339 creation time. */
  time: string;
  /** Convergent nonce scheme of this version (3: derived HMAC key, as Vault's current one). */
  convergent_version?: number;
}

/** A named key ("policy" in Vault's vocabulary) with all its versions and settings. */
export interface KeyPolicy {
  name: string;
  type: KeyType;
  derived: boolean;
  /** Only HKDF-SHA256 is created; Vault's older counter mode is not supported. */
  kdf: 'hkdf_sha256';
  convergent_encryption: boolean;
  exportable: boolean;
  deletion_allowed: boolean;
  allow_plaintext_backup: boolean;
  min_decryption_version: number;
  /** 0: the latest version. */
  min_encryption_version: number;
  min_available_version: number;
  latest_version: number;
  /** Seconds; 0 disables automatic rotation. */
  auto_rotate_period: number;
  /** Key size in bytes of an hmac key. */
  key_size?: number;
  imported: boolean;
  allow_imported_key_rotation: boolean;
  keys: Record<string, KeyVersion>;
  backup_info?: { time: string; version: number };
  restore_info?: { time: string; version: number };
}

export function keyVersionOf(policy: KeyPolicy, version: number): KeyVersion | undefined {
  return policy.keys[String(version)];
}
