import { CofferError, getJson, isTransactional, putJson, type Storage } from '@coffer/sdk';
import type { KeyMetadata } from './key-metadata.js';
import { metadataFolder, metadataKey, unescapePath, versionKey, versionsFolder } from './storage-layout.js';

/** The stored form of one version's data. */
interface StoredVersion {
  data: Record<string, unknown>;
  created_time: string;
}

/** Reads and writes a version 2 mount's records (see storage-layout.ts for where). */
export async function getMetadata(storage: Storage, path: string): Promise<KeyMetadata | null> {
  return getJson<KeyMetadata>(storage, metadataKey(path));
}

export async function putMetadata(storage: Storage, meta: KeyMetadata): Promise<void> {
  await putJson(storage, metadataKey(meta.key), meta);
}

/**
 * A new version and the metadata that makes it reachable. Atomic where the
 * storage is transactional; elsewhere the version goes first, so a failure
 * in between leaves only an unreachable record that the next write overwrites.
 */
export async function putVersionAndMetadata(storage: Storage, meta: KeyMetadata, version: number, data: Record<string, unknown>, createdTime: string): Promise<void> {
  if (isTransactional(storage)) {
    const stored: StoredVersion = { data, created_time: createdTime };
    await storage.transaction([
      { op: 'put', entry: { key: versionKey(meta.key, version), value: Buffer.from(JSON.stringify(stored), 'utf8') } },
      { op: 'put', entry: { key: metadataKey(meta.key), value: Buffer.from(JSON.stringify(meta), 'utf8') } },
    ]);
    return;
  }
  await putVersion(storage, meta.key, version, data, createdTime);
  await putMetadata(storage, meta);
}

export async function deleteMetadata(storage: Storage, path: string): Promise<void> {
  await storage.delete(metadataKey(path));
}

export async function putVersion(storage: Storage, path: string, version: number, data: Record<string, unknown>, createdTime: string): Promise<void> {
  const stored: StoredVersion = { data, created_time: createdTime };
  await putJson(storage, versionKey(path, version), stored);
}

/** The data of a version the metadata says is live; its absence is corruption, not "not found". */
export async function getVersionData(storage: Storage, path: string, version: number): Promise<Record<string, unknown>> {
  const stored = await getJson<StoredVersion>(storage, versionKey(path, version));
  if (!stored) throw new CofferError('internal', 'could not find version data');
  return stored.data;
}

export async function deleteVersion(storage: Storage, path: string, version: number): Promise<void> {
  await storage.delete(versionKey(path, version));
}

/**
 * Remove the stored data of every version numbered `upTo` or lower, oldest
 * first, so that an interrupted cleanup leaves a contiguous tail that the
 * next one finishes. Listing (rather than counting down) also finds
 * versions left behind by earlier interruptions.
 */
export async function deleteVersionsUpTo(storage: Storage, path: string, upTo: number): Promise<void> {
  for (const n of await storedVersions(storage, path)) {
    if (n > upTo) break;
    await deleteVersion(storage, path, n);
  }
}

export async function deleteAllVersions(storage: Storage, path: string): Promise<void> {
  for (const n of await storedVersions(storage, path)) await deleteVersion(storage, path, n);
}

async function storedVersions(storage: Storage, path: string): Promise<number[]> {
  const names = await storage.list(versionsFolder(path));
  return names
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
}

/** The names of secrets and folders in a folder ("" or ending in "/"), sorted. */
export async function listSecrets(storage: Storage, folder: string): Promise<string[]> {
  const names = await storage.list(metadataFolder(folder));
  return names.map(unescapePath).sort();
}
