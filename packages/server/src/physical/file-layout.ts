import { join, relative, isAbsolute } from 'node:path';
import { CofferError } from '@coffer/sdk';

/**
 * Vault's file-backend layout: every key is a file, its folders are
 * directories, and the leaf file name gets a "_" prefix so that a key can be
 * both a leaf ("a" → "_a") and a folder ("a/b" → "a/_b").
 */
export const LEAF_PREFIX = '_';

export interface FileLocation {
  /** Directory holding the key's file. */
  dir: string;
  /** The key's file. */
  file: string;
  /** The key's folder segments, root first (empty for a top-level key). */
  folders: string[];
}

/** Refuses anything that could reach outside the storage directory. */
export function assertInsideRoot(keyOrPrefix: string): void {
  const refuse = (why: string): never => {
    throw new CofferError('invalid_request', `invalid storage path "${keyOrPrefix}": ${why}`);
  };
  if (typeof keyOrPrefix !== 'string') refuse('must be a string');
  if (keyOrPrefix.startsWith('/')) refuse('absolute paths are not allowed');
  if (keyOrPrefix.includes('\0')) refuse('NUL characters are not allowed');
  for (const segment of keyOrPrefix.split('/')) {
    if (segment === '..' || segment === '.') refuse('"." and ".." path segments are not allowed');
  }
}

/**
 * Where a key lives on disk, or null when the layout cannot represent it
 * (empty key, empty segment, trailing '/'): such a key can never exist, so
 * reads find nothing and writes are refused by the caller.
 */
export function locateKey(root: string, key: string): FileLocation | null {
  assertInsideRoot(key);
  const segments = key.split('/');
  if (segments.some((s) => s === '')) return null;
  const folders = segments.slice(0, -1);
  const dir = join(root, ...folders);
  const file = join(dir, LEAF_PREFIX + segments[segments.length - 1]);
  // Defence in depth: the checks above already make this impossible.
  const rel = relative(root, file);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new CofferError('invalid_request', `invalid storage path "${key}": it resolves outside the storage directory`);
  }
  return { dir, file, folders };
}

/**
 * The directory to read for list(prefix) and the part of the last segment a
 * child name must start with ("a/b" lists directory "a" for names starting
 * with "b"). Null when the prefix has an empty folder segment (nothing can be there).
 */
export function locatePrefix(root: string, prefix: string): { dir: string; partial: string } | null {
  assertInsideRoot(prefix);
  const slash = prefix.lastIndexOf('/');
  const folders = slash === -1 ? [] : prefix.slice(0, slash).split('/');
  if (folders.some((s) => s === '')) return null;
  return { dir: join(root, ...folders), partial: prefix.slice(slash + 1) };
}

/** The JSON document stored in each file: Vault reads `Value`; `Key` helps people and recovery tools. */
export interface FileEntryDocument {
  Key?: string;
  Value: string | null;
}
