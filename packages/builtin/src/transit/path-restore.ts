import { invalidRequest, type FieldData, type PathDefinition, type Request } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { NAME } from './fields.js';
import type { KeyPolicy } from './key-policy.js';
import { checkVersionMaterial } from './key-material.js';
import { isKeyType } from './key-types.js';
import type { KeyBackup } from './path-backup.js';
import { strictBase64 } from './versioned-value.js';

export function pathRestore(ctx: TransitContext): PathDefinition {
  return {
    pattern: `restore(?:/${NAME})?`,
    fields: {
      name: { type: 'string', description: 'Name to restore the key under; defaults to the name in the backup.' },
      backup: { type: 'string', required: true, description: 'The backup returned by backup/:name.' },
      force: { type: 'bool', description: 'Overwrite an existing key of the same name.' },
    },
    operations: {
      update: { callback: (req, d) => restoreHandler(ctx, req, d), summary: 'Restore a key from a backup.' },
    },
    helpSynopsis: 'Restore a key from a plaintext backup.',
    helpDescription: `
Recreates the key in the backup with all its versions and settings, under
its own name or the one in the path. An existing key is replaced only with
force=true.
`,
  };
}

function parseBackup(text: string): KeyPolicy {
  const bytes = strictBase64(text);
  if (!bytes) throw invalidRequest('failed to decode backup: illegal base64 data');
  let backup: Partial<KeyBackup>;
  try {
    backup = JSON.parse(bytes.toString('utf8')) as Partial<KeyBackup>;
  } catch {
    throw invalidRequest('failed to decode backup: not JSON');
  }
  const policy = backup.policy;
  if (backup.format !== 'coffer-transit-backup-v1' || !policy || typeof policy.name !== 'string' || !isKeyType(String(policy.type)) || typeof policy.keys !== 'object') {
    throw invalidRequest('failed to decode backup: not a Coffer transit key backup');
  }
  if (!policy.keys[String(policy.latest_version)]) throw invalidRequest('failed to decode backup: the latest key version is missing');
  for (const [version, entry] of Object.entries(policy.keys)) {
    try {
      checkVersionMaterial(policy, entry);
    } catch (err) {
      throw invalidRequest(`failed to decode backup: version ${version}: ${(err as Error).message}`);
    }
  }
  return policy;
}

async function restoreHandler(ctx: TransitContext, req: Request, d: FieldData): Promise<null> {
  const policy = parseBackup(d.get<string>('backup'));
  const name = d.get<string>('name') || policy.name;
  if (name.includes('/')) throw invalidRequest('key name cannot contain "/"');
  await ctx.keys.update(req.storage, name, async (current) => {
    if (current && !d.get<boolean>('force')) throw invalidRequest(`key "${name}" already exists`);
    policy.name = name;
    policy.restore_info = { time: ctx.now().toISOString(), version: policy.latest_version };
    await ctx.keys.put(req.storage, policy);
  });
  return null;
}
