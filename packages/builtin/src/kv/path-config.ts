import { CofferError, definePath, formatDuration, parseDuration, type FieldSchema, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { DELETE_VERSION_AFTER_DISABLED } from './mount-config.js';
import type { VersionedContext } from './versioned-context.js';

/** The lock that serializes config writes (a name no real secret path uses; a clash would only serialize more). */
const CONFIG_LOCK = '\u0000config';

const CONFIG_FIELDS = {
  max_versions: {
    type: 'int',
    description: 'How many versions of each key to keep. 0 (the default) keeps 10; a key\'s own max_versions applies when it is larger.',
  },
  cas_required: {
    type: 'bool',
    description: 'If true, every data write and patch must carry the cas option.',
  },
  delete_version_after: {
    type: 'string',
    description:
      'How long after it is written a version is soft-deleted, as a duration ("30m", "72h") or seconds. A negative duration turns the feature off for every key; 0 clears the setting.',
  },
} as const satisfies Record<string, FieldSchema>;

export function configPath(ctx: VersionedContext): PathDefinition {
  return definePath({
    pattern: 'config',
    displayAttrs: { operationPrefix: 'kv-v2' },
    fields: CONFIG_FIELDS,
    operations: {
      read: { callback: (req) => readConfig(ctx, req), summary: 'Read the settings that apply to every key of the mount.' },
      update: { callback: (req, d) => writeConfig(ctx, req, d), summary: 'Change the settings that apply to every key of the mount.' },
    },
    helpSynopsis: 'Settings of the versioned key-value store that apply to every key.',
    helpDescription: `
Reads or changes the mount-wide settings of a version 2 K/V store:

  max_versions          how many versions of each key are kept (0 keeps 10)
  cas_required          whether every write must use check-and-set
  delete_version_after  how long a new version lives before it reads as
                        deleted (negative: off for all keys, 0: unset)

A key's own settings (see metadata/) are combined with these: the larger
max_versions wins, cas is required if either side requires it, and the
shorter non-zero delete_version_after applies.
`,
  });
}

async function readConfig(ctx: VersionedContext, req: Request): Promise<Response> {
  const config = await ctx.config.get(req.storage);
  return {
    data: {
      cas_required: config.cas_required,
      delete_version_after: formatDuration(config.delete_version_after),
      max_versions: config.max_versions,
    },
  };
}

async function writeConfig(ctx: VersionedContext, req: Request, d: TypedFieldData<typeof CONFIG_FIELDS>): Promise<Response | null> {
  const { max_versions: maxVersions, cas_required: casRequired, delete_version_after: deleteAfterRaw } = d.values;
  const [maxOk, casOk, deleteAfterOk] = [d.has('max_versions'), d.has('cas_required'), d.has('delete_version_after')];
  if (!maxOk && !casOk && !deleteAfterOk) return null;
  if (maxOk && maxVersions < 0) throw new CofferError('invalid_request', 'max_versions cannot be negative: use 0 to keep the default of 10 versions');
  const deleteAfter = deleteAfterOk ? parseDuration(deleteAfterRaw) : 0;

  await ctx.locks.write(CONFIG_LOCK, async () => {
    const config = await ctx.config.get(req.storage);
    if (maxOk) config.max_versions = maxVersions;
    if (casOk) config.cas_required = casRequired;
    if (deleteAfterOk) config.delete_version_after = deleteAfter < 0 ? DELETE_VERSION_AFTER_DISABLED : deleteAfter;
    await ctx.config.put(req.storage, config);
  });
  return null;
}
