import {
  CofferError,
  definePath,
  type FieldSchema,
  formatDuration,
  listResponse,
  notFound,
  type PathDefinition,
  type Request,
  type Response,
  type TypedFieldData,
} from '@coffer/sdk';
import { parseCustomMetadata, storedCustomMetadata, validateCustomMetadata } from './custom-metadata.js';
import { newKeyMetadata, type KeyMetadata } from './key-metadata.js';
import { mergePatch } from './merge-patch.js';
import { formatTime } from './time.js';
import type { VersionedContext } from './versioned-context.js';
import { deleteAllVersions, deleteMetadata, getMetadata, listSecrets, putMetadata } from './versioned-store.js';

const casOverruledWarning =
  'cas_required was set to false for this key, but the mount requires check-and-set for every key: writes of this key still need the cas option.';

const METADATA_PATH_FIELDS = {
  path: { type: 'string', description: 'Path of the secret (or, to list, of the folder), relative to the mount.' },
  max_versions: {
    type: 'int',
    description: 'How many versions of this key to keep. 0 uses the mount\'s setting; the larger of the two applies.',
  },
  cas_required: {
    type: 'bool',
    description: 'If true, every write of this key must carry the cas option. If false, the mount\'s setting decides.',
  },
  delete_version_after: {
    type: 'duration',
    description:
      'How long after it is written a version of this key is soft-deleted. 0 clears the setting; the mount\'s setting is used when it is shorter.',
  },
  custom_metadata: {
    type: 'map',
    description: `Your own string key/value pairs describing the secret, kept across versions (at most 64 pairs; keys up to 128 bytes, values up to 512). On a patch, null removes a pair.`,
  },
} satisfies Record<string, FieldSchema>;

export function metadataPath(ctx: VersionedContext): PathDefinition {
  return definePath({
    pattern: 'metadata/(?<path>.*)',
    displayAttrs: { operationPrefix: 'kv-v2' },
    fields: METADATA_PATH_FIELDS,
    existenceCheck: async (req, d) => (await getMetadata(req.storage, d.values.path)) !== null,
    operations: {
      read: { callback: (req, d) => readMetadata(req, d), summary: 'Read the metadata and the list of versions of a secret.' },
      create: { callback: (req, d) => writeMetadata(ctx, req, d), summary: 'Set the settings and custom metadata of a secret.' },
      update: { callback: (req, d) => writeMetadata(ctx, req, d), summary: 'Set the settings and custom metadata of a secret.' },
      patch: { callback: (req, d) => patchMetadata(ctx, req, d), summary: 'Change some of the settings and custom metadata of a secret.' },
      delete: { callback: (req, d) => deleteSecret(ctx, req, d), summary: 'Remove a secret with all its versions and metadata.' },
      list: { callback: (req, d) => listFolder(req, d), summary: 'List the secrets and folders in a folder.' },
    },
    helpSynopsis: 'Read and change the metadata of a secret, remove a secret entirely, or list secrets.',
    helpDescription: `
The metadata of a secret is what does not change from one version to the next:
its versions (with their creation and deletion times), its own max_versions,
cas_required and delete_version_after settings, and custom_metadata.

A read shows it. A write sets the given settings (creating the metadata if the
secret has none yet, without creating a version); a patch changes only the
given ones and merges custom_metadata, where null removes a pair.

A delete removes the secret: its metadata and the data of every version, for
good. A list shows the secrets and folders (ending in "/") in a folder.
`,
  });
}

async function readMetadata(req: Request, d: TypedFieldData<typeof METADATA_PATH_FIELDS>): Promise<Response> {
  const meta = await getMetadata(req.storage, d.values.path);
  if (!meta) throw notFound();
  return { data: metadataView(meta) };
}

/** Keys in alphabetical order, as Vault's JSON has them. */
function metadataView(meta: KeyMetadata): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const [n, vm] of Object.entries(meta.versions)) {
    versions[n] = { created_time: vm.created_time, deletion_time: vm.deletion_time, destroyed: vm.destroyed };
  }
  return {
    cas_required: meta.cas_required,
    created_time: meta.created_time,
    current_version: meta.current_version,
    custom_metadata: meta.custom_metadata,
    delete_version_after: formatDuration(meta.delete_version_after),
    max_versions: meta.max_versions,
    oldest_version: meta.oldest_version,
    updated_time: meta.updated_time,
    versions,
  };
}

interface MetadataChanges {
  maxVersions?: number;
  casRequired?: boolean;
  deleteVersionAfter?: number;
  customMetadata?: Record<string, string | null>;
}

/** The settings a write or patch sent, validated. `forPatch` keeps nulls in custom_metadata as removals. */
function changesFrom(d: TypedFieldData<typeof METADATA_PATH_FIELDS>, forPatch: boolean): MetadataChanges {
  const changes: MetadataChanges = {};
  if (d.has('max_versions')) {
    if (d.values.max_versions < 0) throw new CofferError('invalid_request', 'max_versions cannot be negative: use 0 to follow the mount\'s setting');
    changes.maxVersions = d.values.max_versions;
  }
  if (d.has('cas_required')) changes.casRequired = d.values.cas_required;
  if (d.has('delete_version_after')) changes.deleteVersionAfter = d.values.delete_version_after;
  if (d.has('custom_metadata')) {
    changes.customMetadata = parseCustomMetadata(d.values.custom_metadata, forPatch);
    validateCustomMetadata(changes.customMetadata);
  }
  return changes;
}

function isEmpty(changes: MetadataChanges): boolean {
  return Object.keys(changes).length === 0;
}

async function casWarning(ctx: VersionedContext, req: Request, changes: MetadataChanges): Promise<Response | null> {
  if (changes.casRequired !== false) return null;
  const config = await ctx.config.get(req.storage);
  return config.cas_required ? { warnings: [casOverruledWarning] } : null;
}

function applySettings(meta: KeyMetadata, changes: MetadataChanges): void {
  if (changes.maxVersions !== undefined) meta.max_versions = changes.maxVersions;
  if (changes.casRequired !== undefined) meta.cas_required = changes.casRequired;
  if (changes.deleteVersionAfter !== undefined) meta.delete_version_after = changes.deleteVersionAfter;
}

async function writeMetadata(ctx: VersionedContext, req: Request, d: TypedFieldData<typeof METADATA_PATH_FIELDS>): Promise<Response | null> {
  const key = d.values.path;
  if (key === '') throw new CofferError('invalid_request', 'missing path');
  const changes = changesFrom(d, false);
  if (isEmpty(changes)) return null;
  const response = await casWarning(ctx, req, changes);
  await ctx.locks.write(key, async () => {
    const meta = (await getMetadata(req.storage, key)) ?? newKeyMetadata(key, formatTime(ctx.now()));
    applySettings(meta, changes);
    // A write replaces custom_metadata as a whole.
    if (changes.customMetadata !== undefined) meta.custom_metadata = storedCustomMetadata(changes.customMetadata);
    await putMetadata(req.storage, meta);
  });
  return response;
}

async function patchMetadata(ctx: VersionedContext, req: Request, d: TypedFieldData<typeof METADATA_PATH_FIELDS>): Promise<Response | null> {
  const key = d.values.path;
  if (key === '') throw new CofferError('invalid_request', 'missing path');
  const changes = changesFrom(d, true);
  const response = await casWarning(ctx, req, changes);
  await ctx.locks.write(key, async () => {
    const meta = await getMetadata(req.storage, key);
    if (!meta) throw notFound();
    applySettings(meta, changes);
    if (changes.customMetadata !== undefined) {
      const merged = mergePatch(meta.custom_metadata ?? {}, changes.customMetadata) as Record<string, string>;
      validateCustomMetadata(merged);
      meta.custom_metadata = storedCustomMetadata(merged);
    }
    await putMetadata(req.storage, meta);
  });
  return response;
}

async function deleteSecret(ctx: VersionedContext, req: Request, d: TypedFieldData<typeof METADATA_PATH_FIELDS>): Promise<null> {
  const key = d.values.path;
  await ctx.locks.write(key, async () => {
    if (!(await getMetadata(req.storage, key))) return;
    // Metadata first: an interruption leaves unreachable version data (removed by a later delete
    // or overwritten by new versions), never metadata that points at missing data.
    await deleteMetadata(req.storage, key);
    await deleteAllVersions(req.storage, key);
  });
  return null;
}

async function listFolder(req: Request, d: TypedFieldData<typeof METADATA_PATH_FIELDS>): Promise<Response> {
  let folder = d.values.path;
  if (folder !== '' && !folder.endsWith('/')) folder += '/';
  const keys = await listSecrets(req.storage, folder);
  // An empty folder is "not found", as Vault answers a list with no keys.
  if (keys.length === 0) throw notFound();
  return listResponse(keys);
}
