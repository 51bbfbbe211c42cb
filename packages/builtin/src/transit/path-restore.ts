import { definePath, type FieldSchema, invalidRequest, isCofferError, type PathDefinition, type Request, type TypedFieldData } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { NAME } from './fields.js';
import type { KeyPolicy } from './key-policy.js';
import { fromVaultBackup } from './vault-backup.js';
import { strictBase64 } from './versioned-value.js';

const RESTORE_FIELDS = {
  name: { type: 'string', description: 'Name to restore the key under; defaults to the name in the backup.' },
  backup: { type: 'string', required: true, description: 'The backup returned by backup/:name.' },
  force: { type: 'bool', description: 'Overwrite an existing key of the same name.' },
} satisfies Record<string, FieldSchema>;

export function pathRestore(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `restore(?:/${NAME})?`,
    fields: RESTORE_FIELDS,
    operations: {
      update: { callback: (req, d) => restoreHandler(ctx, req, d), summary: 'Restore a key from a backup.' },
    },
    helpSynopsis: 'Restore a key from a plaintext backup.',
    helpDescription: `
Recreates the key in the backup (Coffer's or Vault's: they share a format)
with all its versions and settings, under its own name or the one in the
path. An existing key is replaced only with force=true.
`,
  });
}

function parseBackup(text: string): KeyPolicy {
  const bytes = strictBase64(text);
  if (!bytes) throw invalidRequest('failed to decode backup: illegal base64 data');
  try {
    return fromVaultBackup(bytes);
  } catch (err) {
    // A backup comes from outside: any shape it has wrong is the caller's error.
    if (isCofferError(err)) throw err;
    throw invalidRequest(`failed to decode backup: ${(err as Error).message}`);
  }
}

async function restoreHandler(ctx: TransitContext, req: Request, d: TypedFieldData<typeof RESTORE_FIELDS>): Promise<null> {
  const policy = parseBackup(d.values.backup);
  const name = d.values.name || policy.name;
  // A name from inside the backup has not been through the path pattern yet.
  if (!new RegExp(`^${NAME}$`).test(name)) throw invalidRequest(`invalid key name "${name}"`);
  await ctx.keys.update(req.storage, name, async (current) => {
    if (current && !d.values.force) throw invalidRequest(`key "${name}" already exists`);
    policy.name = name;
    policy.restore_info = { time: ctx.now().toISOString(), version: policy.latest_version };
    await ctx.keys.put(req.storage, policy);
  });
  return null;
}
