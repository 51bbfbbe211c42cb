import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { NAME, nameField } from './fields.js';
import type { KeyPolicy } from './key-policy.js';
import { keyView } from './key-view.js';
import { checkAutoRotatePeriod } from './path-keys.js';

const KEY_CONFIG_FIELDS = {
  name: nameField,
  min_decryption_version: { type: 'int', description: 'Oldest version allowed to decrypt and verify; older ciphertexts are refused.' },
  min_encryption_version: { type: 'int', description: 'Oldest version allowed to encrypt and sign; 0 means the latest version only is the default.' },
  deletion_allowed: { type: 'bool', description: 'Whether the key may be deleted.' },
  exportable: { type: 'bool', description: 'Allow the key material to be exported; once set it cannot be unset.' },
  allow_plaintext_backup: { type: 'bool', description: 'Allow plaintext backups of the key; once set it cannot be unset.' },
  auto_rotate_period: { type: 'duration', description: 'Automatic rotation period; 0 disables, else at least 1h.' },
} satisfies Record<string, FieldSchema>;

export function pathKeyConfig(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${NAME}/config`,
    fields: KEY_CONFIG_FIELDS,
    operations: {
      update: { callback: (req, d) => configureKey(ctx, req, d), summary: 'Change the settings of a key.' },
    },
    helpSynopsis: 'Configure the version limits, deletion, export and rotation settings of a key.',
    helpDescription: `
Sets min_decryption_version (older ciphertexts and signatures are refused),
min_encryption_version (older versions may not encrypt or sign),
deletion_allowed, exportable, allow_plaintext_backup and auto_rotate_period.
Exporting and plaintext backups cannot be disabled once enabled. Nothing is
changed unless every given value is valid.
`,
  });
}

async function configureKey(ctx: TransitContext, req: Request, d: TypedFieldData<typeof KEY_CONFIG_FIELDS>): Promise<Response> {
  const name = d.values.name;
  return ctx.keys.update(req.storage, name, async (policy) => {
    if (!policy) throw invalidRequest(`no existing key named ${name} could be found`);
    applyConfig(policy, d);
    return { data: keyView(await ctx.keys.put(req.storage, policy)) };
  });
}

/** Apply the sent settings to a copy of the key, refusing any invalid combination. */
function applyConfig(policy: KeyPolicy, d: TypedFieldData<typeof KEY_CONFIG_FIELDS>): void {
  const minDecSent = d.has('min_decryption_version');
  const minDec = d.values.min_decryption_version;
  if (minDecSent) {
    const value = minDec <= 0 ? 1 : minDec;
    if (value > policy.latest_version) throw invalidRequest(`cannot set min decryption version of ${value}, latest key version is ${policy.latest_version}`);
    if (value < policy.min_available_version) {
      throw invalidRequest(`cannot set min decryption version of ${value}, the key was trimmed to version ${policy.min_available_version}`);
    }
    policy.min_decryption_version = value;
  }
  const minEncSent = d.has('min_encryption_version');
  const minEnc = d.values.min_encryption_version;
  if (minEncSent) {
    if (minEnc < 0) throw invalidRequest('min encryption version cannot be negative');
    if (minEnc > policy.latest_version) throw invalidRequest(`cannot set min encryption version of ${minEnc}, latest key version is ${policy.latest_version}`);
    policy.min_encryption_version = minEnc;
  }
  if (policy.min_encryption_version > 0 && policy.min_encryption_version < policy.min_decryption_version) {
    throw invalidRequest(
      `cannot set min encryption/decryption values; min encryption version of ${policy.min_encryption_version} must be greater than or equal to min decryption version of ${policy.min_decryption_version}`,
    );
  }
  const deletionSent = d.has('deletion_allowed');
  const deletionAllowed = d.values.deletion_allowed;
  if (deletionSent) policy.deletion_allowed = deletionAllowed;
  const exportableSent = d.has('exportable');
  const exportable = d.values.exportable;
  if (exportableSent) {
    if (policy.exportable && !exportable) throw invalidRequest('export cannot be disabled on a key that has had it enabled');
    policy.exportable = exportable;
  }
  const backupSent = d.has('allow_plaintext_backup');
  const backup = d.values.allow_plaintext_backup;
  if (backupSent) {
    if (policy.allow_plaintext_backup && !backup) throw invalidRequest('plaintext backup cannot be disabled on a key that has had it enabled');
    policy.allow_plaintext_backup = backup;
  }
  const periodSent = d.has('auto_rotate_period');
  const period = d.values.auto_rotate_period;
  if (periodSent) {
    checkAutoRotatePeriod(period);
    if (period > 0 && policy.imported && !policy.allow_imported_key_rotation) {
      throw invalidRequest('auto rotation cannot be enabled on an imported key that does not allow rotation (allow_rotation)');
    }
    policy.auto_rotate_period = period;
  }
}
