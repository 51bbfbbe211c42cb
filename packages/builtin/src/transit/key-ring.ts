import { randomBytes } from 'node:crypto';
import { invalidRequest } from '@coffer/sdk';
import { generateMaterial, type VersionMaterial } from './key-material.js';
import type { KeyPolicy, KeyVersion } from './key-policy.js';
import { HMAC_MIN_KEY_BYTES, type KeyType } from './key-types.js';

/** Vault's current convergent nonce scheme: key and nonce HMAC key both derived from the context. */
export const CONVERGENT_VERSION = 3;

export interface NewKeyOptions {
  name: string;
  type: KeyType;
  derived: boolean;
  convergent: boolean;
  exportable: boolean;
  allowPlaintextBackup: boolean;
  autoRotatePeriod: number;
  keySize?: number;
  imported?: boolean;
  allowImportedKeyRotation?: boolean;
}

/** A key with no versions yet; the first comes from appendVersion(). */
export function emptyPolicy(opts: NewKeyOptions): KeyPolicy {
  return {
    name: opts.name,
    type: opts.type,
    derived: opts.derived,
    kdf: 'hkdf_sha256',
    convergent_encryption: opts.convergent,
    exportable: opts.exportable,
    deletion_allowed: false,
    allow_plaintext_backup: opts.allowPlaintextBackup,
    min_decryption_version: 1,
    min_encryption_version: 0,
    min_available_version: 0,
    latest_version: 0,
    auto_rotate_period: opts.autoRotatePeriod,
    ...(opts.type === 'hmac' ? { key_size: opts.keySize ?? HMAC_MIN_KEY_BYTES } : {}),
    imported: opts.imported ?? false,
    allow_imported_key_rotation: opts.allowImportedKeyRotation ?? false,
    keys: {},
  };
}

/** Add `material` as the newest version (in place on a policy copy). */
export function appendVersion(policy: KeyPolicy, material: VersionMaterial, now: Date): KeyVersion {
  const entry: KeyVersion = {
    ...material,
    // An hmac key's own key is its HMAC key; every other type gets a separate one.
    hmac_key: policy.type === 'hmac' ? (material.key ?? '') : randomBytes(32).toString('base64'),
    time: now.toISOString(),
    ...(policy.convergent_encryption ? { convergent_version: CONVERGENT_VERSION } : {}),
  };
  policy.latest_version += 1;
  policy.keys[String(policy.latest_version)] = entry;
  if (policy.min_decryption_version === 0) policy.min_decryption_version = 1;
  return entry;
}

/** Rotate: a new generated version (refused for imported keys that do not allow it). */
export async function rotate(policy: KeyPolicy, now: Date): Promise<void> {
  if (policy.imported && !policy.allow_imported_key_rotation) {
    throw invalidRequest(`imported key ${policy.name} does not allow rotation within Vault`);
  }
  appendVersion(policy, await generateMaterial(policy.type, policy.key_size), now);
}

/** Seconds since the epoch of a version's creation. */
export function creationSeconds(entry: KeyVersion): number {
  return Math.floor(Date.parse(entry.time) / 1000);
}

/** Whether automatic rotation is due: the latest version is older than the period. */
export function rotationDue(policy: KeyPolicy, now: Date): boolean {
  if (policy.auto_rotate_period <= 0) return false;
  const latest = policy.keys[String(policy.latest_version)];
  if (!latest) return false;
  return now.getTime() - Date.parse(latest.time) >= policy.auto_rotate_period * 1000;
}
