import { invalidRequest, notFound, type FieldData, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { NAME, nameField } from './fields.js';
import type { KeyPolicy } from './key-policy.js';

/** The document inside a backup: the key with every version, base64'd as a whole. */
export interface KeyBackup {
  policy: KeyPolicy;
  /** Marks Coffer's layout (Vault's keeps Go-encoded keys; the two are not interchangeable). */
  format: 'coffer-transit-backup-v1';
}

export function pathBackup(ctx: TransitContext): PathDefinition {
  return {
    pattern: `backup/${NAME}`,
    fields: { name: nameField },
    operations: {
      read: { callback: (req, d) => backupHandler(ctx, req, d), summary: 'Back up a named key in plaintext.' },
    },
    helpSynopsis: 'Return a plaintext backup of a key, with all its versions and settings.',
    helpDescription: `
Allowed only when the key is exportable and allow_plaintext_backup is set.
The backup holds the key material in plaintext (base64-encoded JSON): keep
it as secret as the key. restore/ brings it back, on this or another mount.
`,
  };
}

async function backupHandler(ctx: TransitContext, req: Request, d: FieldData): Promise<Response> {
  return ctx.keys.update(req.storage, d.get<string>('name'), async (policy) => {
    if (!policy) throw notFound();
    if (!policy.exportable) throw invalidRequest('exporting is disallowed on the policy');
    if (!policy.allow_plaintext_backup) throw invalidRequest('plaintext backup is disallowed on the policy');
    policy.backup_info = { time: ctx.now().toISOString(), version: policy.latest_version };
    await ctx.keys.put(req.storage, policy);
    const backup: KeyBackup = { policy, format: 'coffer-transit-backup-v1' };
    return { data: { backup: Buffer.from(JSON.stringify(backup)).toString('base64') } };
  });
}
