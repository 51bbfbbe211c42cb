import type { Response, Storage } from '@coffer/sdk';
import { addVersion, deletionTimeFor, versionView, type KeyMetadata } from './key-metadata.js';
import { DELETE_VERSION_AFTER_DISABLED, type MountConfig } from './mount-config.js';
import { formatTime } from './time.js';
import type { VersionedContext } from './versioned-context.js';
import { deleteVersionsUpTo, putVersionAndMetadata } from './versioned-store.js';

/**
 * Store `data` as the key's next version and answer with that version's
 * metadata. The caller holds the key's write lock.
 *
 * The version's data and the metadata that makes it reachable are written
 * together (atomically where the storage allows, see
 * putVersionAndMetadata). Old
 * versions past max_versions are removed last; if that fails the write
 * still stands, with a warning, and the next write finishes the cleanup.
 */
export async function appendVersion(
  ctx: VersionedContext,
  storage: Storage,
  meta: KeyMetadata,
  data: Record<string, unknown>,
  config: MountConfig,
): Promise<Response> {
  const now = ctx.now();
  const createdTime = formatTime(now);
  const deletionTime =
    config.delete_version_after === DELETE_VERSION_AFTER_DISABLED ? '' : deletionTimeFor(now, config.delete_version_after, meta.delete_version_after);
  const version = meta.current_version + 1;

  const vm = { created_time: createdTime, deletion_time: deletionTime, destroyed: false };
  const trimUpTo = addVersion(meta, vm, config.max_versions);
  await putVersionAndMetadata(storage, meta, version, data, createdTime);

  const response: Response = { data: versionView(meta, version, vm) };
  if (trimUpTo > 0) {
    try {
      await deleteVersionsUpTo(storage, meta.key, trimUpTo);
    } catch (err) {
      ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'removing old kv versions failed');
      response.warnings = ['old versions past max_versions could not all be removed; the next write of this key will finish removing them'];
    }
  }
  return response;
}
