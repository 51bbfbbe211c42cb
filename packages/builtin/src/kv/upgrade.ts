import type { Storage } from '@coffer/sdk';
import { addVersion, newKeyMetadata } from './key-metadata.js';
import { isPlainObject } from './merge-patch.js';
import { VERSIONED_PREFIX } from './storage-layout.js';
import { formatTime } from './time.js';
import type { VersionedContext } from './versioned-context.js';
import { getMetadata, putMetadata, putVersion } from './versioned-store.js';

/**
 * Turn the keys a version 1 mount wrote into version 1 of the same secrets
 * in the version 2 layout; called when a version 2 mount initializes, so
 * that tuning a mount from version 1 to 2 keeps its data, as in Vault.
 *
 * Any key outside the version 2 prefix is version 1 data (version 2 never
 * writes there), so a mount that was always version 2 only lists its root.
 * Each key is upgraded on its own: data, then metadata, then the old key is
 * deleted. If the process stops midway, the next initialize picks up the
 * remaining keys; one whose metadata already exists only has its old copy
 * removed. Returns how many keys were upgraded.
 */
export async function upgradeV1Keys(ctx: VersionedContext, storage: Storage): Promise<number> {
  let upgraded = 0;
  let skipped = 0;
  for await (const key of versionOneKeys(storage, '')) {
    const entry = await storage.get(key);
    if (!entry) continue;
    if (await getMetadata(storage, key)) {
      await storage.delete(key);
      continue;
    }
    const data = parseObject(entry.value);
    if (!data) {
      skipped++;
      continue;
    }
    const createdTime = formatTime(ctx.now());
    await putVersion(storage, key, 1, data, createdTime);
    const meta = newKeyMetadata(key);
    // max_versions 1 for this call only: Vault's upgrade leaves oldest_version at 1.
    addVersion(meta, { created_time: createdTime, deletion_time: '', destroyed: false }, 1);
    await putMetadata(storage, meta);
    await storage.delete(key);
    upgraded++;
  }
  if (upgraded > 0) ctx.logger.info({ keys: upgraded }, 'upgraded kv version 1 data to version 2');
  if (skipped > 0) ctx.logger.warn({ keys: skipped }, 'left kv version 1 keys that do not hold a JSON object where they are');
  return upgraded;
}

/** Every stored key outside the version 2 prefix, depth first. Folders are listed when reached. */
async function* versionOneKeys(storage: Storage, folder: string): AsyncGenerator<string> {
  for (const child of await storage.list(folder)) {
    if (folder === '' && child === VERSIONED_PREFIX) continue;
    if (child.endsWith('/')) yield* versionOneKeys(storage, folder + child);
    else yield folder + child;
  }
}

function parseObject(value: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
