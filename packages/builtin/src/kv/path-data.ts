import { CofferError, definePath, notFound, type FieldSchema, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { appendVersion } from './append-version.js';
import { checkCas } from './check-and-set.js';
import { isGone, newKeyMetadata, versionOf, versionView } from './key-metadata.js';
import { isPlainObject, mergePatch } from './merge-patch.js';
import { readVersion } from './read-version.js';
import { formatTime, hasPassed } from './time.js';
import type { VersionedContext } from './versioned-context.js';
import { getMetadata, getVersionData, putMetadata } from './versioned-store.js';

/** The fields of data/<path>. */
const DATA_FIELDS = {
  path: { type: 'string', description: 'Path of the secret, relative to the mount.' },
  version: {
    type: 'int',
    query: true,
    description: 'On read: the version to return. 0 or absent returns the current version.',
  },
  options: {
    type: 'map',
    description:
      'Options of a write or patch. "cas" (check-and-set): the version the caller expects to be current; the write is refused if it is not. cas 0 writes only if the secret has no version yet. Required when cas_required is set on the mount or on the key.',
  },
  data: {
    type: 'map',
    description: 'The secret: a JSON object. A write stores it as a new version; a patch merges it (JSON merge patch, null removes a key) into the current version to make the new one.',
  },
} as const satisfies Record<string, FieldSchema>;

type DataFields = TypedFieldData<typeof DATA_FIELDS>;

export function dataPath(ctx: VersionedContext): PathDefinition {
  return definePath({
    // A secret's path never ends in "/": that is a folder.
    pattern: 'data/(?<path>.*[^/])',
    displayAttrs: { operationPrefix: 'kv-v2' },
    fields: DATA_FIELDS,
    existenceCheck: async (req, d) => (await getMetadata(req.storage, d.values.path)) !== null,
    operations: {
      read: { callback: (req, d) => readData(ctx, req, d), summary: 'Read a version of a secret (the current one unless "version" is given).' },
      create: { callback: (req, d) => writeData(ctx, req, d), summary: 'Write a new version of a secret.' },
      update: { callback: (req, d) => writeData(ctx, req, d), summary: 'Write a new version of a secret.' },
      patch: { callback: (req, d) => patchData(ctx, req, d), summary: 'Merge changes into the current version of a secret, making a new version.' },
      delete: { callback: (req, d) => deleteLatest(ctx, req, d), summary: 'Soft-delete the current version of a secret.' },
    },
    helpSynopsis: 'Write, patch, read and soft-delete versions of a secret.',
    helpDescription: `
Each write stores the "data" object as a new version of the secret; earlier
versions stay readable with ?version=N until max_versions pushes them out.
"options.cas" makes the write conditional on the current version number.

A patch (HTTP PATCH) merges "data" into the current version, as a JSON merge
patch where null removes a key, and stores the result as a new version. The
current version must exist and be neither deleted nor destroyed.

A read returns the data and the version's metadata. A deleted or destroyed
version answers 404, with its metadata.

A delete marks the current version as deleted without removing its data; it
can be undone with undelete/. Use destroy/ to remove data for good and
metadata/ to remove a secret with all its versions.
`,
  });
}

async function readData(ctx: VersionedContext, req: Request, d: DataFields): Promise<Response> {
  const key = d.values.path;
  return readVersion(ctx, req, key, d.values.version, {
    gone: (metadata) => ({ data: { data: null, metadata }, statusCode: 404 }),
    present: (data, metadata) => ({ data: { data, metadata } }),
  });
}

async function writeData(ctx: VersionedContext, req: Request, d: DataFields): Promise<Response> {
  const key = d.values.path;
  if (key === '') throw new CofferError('invalid_request', 'missing path');
  if (!d.has('data')) throw new CofferError('invalid_request', 'no data provided');
  const data = d.values.data;
  return ctx.locks.write(key, async () => {
    const config = await ctx.config.get(req.storage);
    const meta = (await getMetadata(req.storage, key)) ?? newKeyMetadata(key);
    checkCas(d.has('options') ? d.values.options : undefined, config.cas_required, meta);
    return appendVersion(ctx, req.storage, meta, data, config);
  });
}

async function patchData(ctx: VersionedContext, req: Request, d: DataFields): Promise<Response> {
  const key = d.values.path;
  if (!d.has('data')) throw new CofferError('invalid_request', 'no data provided');
  const patch = d.values.data;
  return ctx.locks.write(key, async () => {
    const meta = await getMetadata(req.storage, key);
    if (!meta) throw notFound();
    const config = await ctx.config.get(req.storage);
    checkCas(d.has('options') ? d.values.options : undefined, config.cas_required, meta);
    const version = meta.current_version;
    const vm = versionOf(meta, version);
    if (!vm) throw notFound();
    if (isGone(vm, ctx.now())) return { data: versionView(meta, version, vm), statusCode: 404 };
    const current = await getVersionData(req.storage, key, version);
    const patched = mergePatch(current, patch);
    return appendVersion(ctx, req.storage, meta, isPlainObject(patched) ? patched : {}, config);
  });
}

async function deleteLatest(ctx: VersionedContext, req: Request, d: DataFields): Promise<null> {
  const key = d.values.path;
  await ctx.locks.write(key, async () => {
    const meta = await getMetadata(req.storage, key);
    if (!meta) return;
    const vm = versionOf(meta, meta.current_version);
    const now = ctx.now();
    // Nothing to do when there is no current version or it is already gone.
    if (!vm || vm.destroyed || hasPassed(vm.deletion_time, now)) return;
    vm.deletion_time = formatTime(now);
    await putMetadata(req.storage, meta);
  });
  return null;
}
