import { definePath, type FieldSchema, invalidRequest, notFound, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { NAME, nameField } from './fields.js';
import { toVaultBackup } from './vault-backup.js';

const BACKUP_FIELDS = { name: nameField } satisfies Record<string, FieldSchema>;

export function pathBackup(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `backup/${NAME}`,
    fields: BACKUP_FIELDS,
    operations: {
      read: { callback: (req, d) => backupHandler(ctx, req, d), summary: 'Back up a named key in plaintext.' },
    },
    helpSynopsis: 'Return a plaintext backup of a key, with all its versions and settings.',
    helpDescription: `
Allowed only when the key is exportable and allow_plaintext_backup is set.
The backup is Vault's format (base64 of the key's JSON with every version),
so it restores into Vault as well as into Coffer. It holds the key material
in plaintext: keep it as secret as the key.
`,
  });
}

async function backupHandler(ctx: TransitContext, req: Request, d: TypedFieldData<typeof BACKUP_FIELDS>): Promise<Response> {
  return ctx.keys.update(req.storage, d.values.name, async (policy) => {
    if (!policy) throw notFound();
    if (!policy.exportable) throw invalidRequest('exporting is disallowed on the policy');
    if (!policy.allow_plaintext_backup) throw invalidRequest('plaintext backup is disallowed on the policy');
    policy.backup_info = { time: ctx.now().toISOString(), version: policy.latest_version };
    await ctx.keys.put(req.storage, policy);
    return { data: { backup: toVaultBackup(policy) } };
  });
}
