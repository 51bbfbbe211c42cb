import { createPublicKey } from 'node:crypto';
import { derivedEd25519Key } from './derive.js';
import { ed25519RawPublicKey } from './key-material.js';
import type { KeyPolicy } from './key-policy.js';
import { creationSeconds } from './key-ring.js';
import { isAsymmetric, TRAITS } from './key-types.js';

/**
 * A key as "read keys/:name" shows it: settings and, per version, the
 * creation time (symmetric) or the public key (asymmetric); hmac keys list
 * no versions, as in Vault. Never key material. A derived ed25519 key shows
 * the public key of `context`.
 */
export function keyView(policy: KeyPolicy, context?: Buffer): Record<string, unknown> {
  const traits = TRAITS[policy.type];
  const keys: Record<string, unknown> = {};
  for (const [version, entry] of Object.entries(policy.keys)) {
    if (policy.type === 'hmac') continue;
    if (!isAsymmetric(policy.type)) {
      keys[version] = creationSeconds(entry);
      continue;
    }
    let publicKey = entry.public_key ?? '';
    if (policy.type === 'ed25519' && policy.derived) {
      publicKey = context ? ed25519RawPublicKey(createPublicKey(derivedEd25519Key(entry, context))).toString('base64') : '';
    }
    keys[version] = { name: publicKeyName(policy), public_key: publicKey, creation_time: entry.time, certificate_chain: '' };
  }
  const data: Record<string, unknown> = {
    name: policy.name,
    type: policy.type,
    ...(policy.type === 'hmac' ? {} : { keys }),
    latest_version: policy.latest_version,
    min_available_version: policy.min_available_version,
    min_decryption_version: policy.min_decryption_version,
    min_encryption_version: policy.min_encryption_version,
    deletion_allowed: policy.deletion_allowed,
    derived: policy.derived,
    exportable: policy.exportable,
    allow_plaintext_backup: policy.allow_plaintext_backup,
    supports_encryption: traits.encryption,
    supports_decryption: traits.encryption,
    supports_derivation: traits.derivation,
    supports_signing: traits.signing,
    imported_key: policy.imported,
    auto_rotate_period: policy.auto_rotate_period,
  };
  if (policy.imported) data['imported_key_allow_rotation'] = policy.allow_imported_key_rotation;
  if (policy.derived) {
    data['kdf'] = policy.kdf;
    data['convergent_encryption'] = policy.convergent_encryption;
    // Vault shows -1 for keys whose convergent scheme is kept per version.
    if (policy.convergent_encryption) data['convergent_encryption_version'] = -1;
  }
  if (policy.type === 'hmac') data['key_size'] = policy.key_size;
  if (policy.backup_info) data['backup_info'] = policy.backup_info;
  if (policy.restore_info) data['restore_info'] = policy.restore_info;
  return data;
}

function publicKeyName(policy: KeyPolicy): string {
  const traits = TRAITS[policy.type];
  if (traits.curve) return traits.curve;
  if (traits.rsaBits) return `rsa-${traits.rsaBits}`;
  return 'ed25519';
}
