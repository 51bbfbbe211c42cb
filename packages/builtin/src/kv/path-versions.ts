import { CofferError, definePath, type FieldSchema, type PathDefinition, type Request, type TypedFieldData } from '@coffer/sdk';
import { deletionTimeFor, versionOf, type KeyMetadata } from './key-metadata.js';
import { DELETE_VERSION_AFTER_DISABLED } from './mount-config.js';
import { formatTime, hasPassed } from './time.js';
import type { VersionedContext } from './versioned-context.js';
import { deleteVersion, getMetadata, putMetadata } from './versioned-store.js';

const pathField = { type: 'string' as const, description: 'Path of the secret, relative to the mount.' };

/** The fields of the three endpoints; only the description of "versions" differs. */
const versionFields = (versionsDescription: string) =>
  ({ path: pathField, versions: { type: 'comma-int-slice', description: versionsDescription } }) satisfies Record<string, FieldSchema>;

type VersionFields = TypedFieldData<ReturnType<typeof versionFields>>;

/** delete/, undelete/ and destroy/: act on chosen versions of a secret. */
export function versionPaths(ctx: VersionedContext): PathDefinition[] {
  return [
    versionPath({
      endpoint: 'delete',
      versionsDescription: 'The versions to soft-delete. Their data is kept, but reads answer 404 until they are undeleted.',
      callback: (req, d) => softDelete(ctx, req, d),
      summary: 'Soft-delete versions of a secret.',
      helpSynopsis: 'Soft-delete chosen versions of a secret.',
      helpDescription: `
Marks the given versions as deleted: reads of them answer 404, but their data
stays in storage and undelete/ brings them back. Versions that do not exist,
are already deleted or are destroyed are left as they are.
`,
    }),
    versionPath({
      endpoint: 'undelete',
      versionsDescription: 'The versions to restore. Reads of them return their data again.',
      callback: (req, d) => undelete(ctx, req, d),
      summary: 'Restore soft-deleted versions of a secret.',
      helpSynopsis: 'Restore soft-deleted versions of a secret.',
      helpDescription: `
Clears the deletion mark of the given versions so that reads return their data
again. Destroyed versions cannot be restored. If delete_version_after applies
to the key, the restored versions get a new deletion time counted from now.
`,
    }),
    versionPath({
      endpoint: 'destroy',
      versionsDescription: 'The versions to destroy. Their data is removed for good.',
      callback: (req, d) => destroy(ctx, req, d),
      summary: 'Permanently remove the data of versions of a secret.',
      helpSynopsis: 'Permanently remove the data of chosen versions of a secret.',
      helpDescription: `
Removes the stored data of the given versions; this cannot be undone. The
versions stay listed in the secret's metadata, marked as destroyed.
`,
    }),
  ];
}

interface VersionEndpoint {
  endpoint: 'delete' | 'undelete' | 'destroy';
  versionsDescription: string;
  callback: (req: Request, d: VersionFields) => Promise<null>;
  summary: string;
  helpSynopsis: string;
  helpDescription: string;
}

/** The three endpoints take the same fields and answer only "update". */
function versionPath(e: VersionEndpoint): PathDefinition {
  return definePath({
    pattern: `${e.endpoint}/(?<path>.*)`,
    displayAttrs: { operationPrefix: 'kv-v2' },
    fields: versionFields(e.versionsDescription),
    operations: { update: { callback: e.callback, summary: e.summary } },
    helpSynopsis: e.helpSynopsis,
    helpDescription: e.helpDescription,
  });
}

function versionsOf(d: VersionFields, missingMessage: string): number[] {
  const versions = d.values.versions;
  if (versions.length === 0) throw new CofferError('invalid_request', missingMessage);
  return versions;
}

/**
 * Under the key's write lock: read its metadata (a missing key is left
 * alone), change it, store it, then run `afterStore` still under the lock.
 */
async function changeMetadata(
  ctx: VersionedContext,
  req: Request,
  key: string,
  change: (meta: KeyMetadata) => void,
  afterStore?: () => Promise<void>,
): Promise<null> {
  await ctx.locks.write(key, async () => {
    const meta = await getMetadata(req.storage, key);
    if (!meta) return;
    change(meta);
    await putMetadata(req.storage, meta);
    await afterStore?.();
  });
  return null;
}

async function softDelete(ctx: VersionedContext, req: Request, d: VersionFields): Promise<null> {
  const key = d.values.path;
  const versions = versionsOf(d, 'No version number provided');
  return changeMetadata(ctx, req, key, (meta) => {
    const now = ctx.now();
    for (const n of versions) {
      const vm = versionOf(meta, n);
      if (!vm || vm.destroyed || hasPassed(vm.deletion_time, now)) continue;
      vm.deletion_time = formatTime(now);
    }
  });
}

async function undelete(ctx: VersionedContext, req: Request, d: VersionFields): Promise<null> {
  const key = d.values.path;
  const versions = versionsOf(d, 'No version number provided');
  const config = await ctx.config.get(req.storage);
  return changeMetadata(ctx, req, key, (meta) => {
    const now = ctx.now();
    for (const n of versions) {
      const vm = versionOf(meta, n);
      if (!vm || vm.destroyed) continue;
      vm.deletion_time =
        config.delete_version_after === DELETE_VERSION_AFTER_DISABLED ? '' : deletionTimeFor(now, config.delete_version_after, meta.delete_version_after);
    }
  });
}

async function destroy(ctx: VersionedContext, req: Request, d: VersionFields): Promise<null> {
  const key = d.values.path;
  const versions = versionsOf(d, 'no version number provided');
  // Mark first, then remove: a failure in between leaves data nobody can read, never a "live" version without data.
  return changeMetadata(
    ctx,
    req,
    key,
    (meta) => {
      for (const n of versions) {
        const vm = versionOf(meta, n);
        if (vm && !vm.destroyed) vm.destroyed = true;
      }
    },
    async () => {
      for (const n of versions) if (n > 0) await deleteVersion(req.storage, key, n);
    },
  );
}
