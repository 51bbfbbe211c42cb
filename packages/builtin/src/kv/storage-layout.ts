import crypto from 'node:crypto';

/**
 * Where a version 2 mount keeps its data inside the mount's storage view.
 *
 * Everything lives under one prefix so that the keys a version 1 mount wrote
 * (at any path the user chose) stay apart and can be found and upgraded when
 * the mount is tuned to version 2.
 *
 *   _kv-v2/config                    the mount's settings
 *   _kv-v2/metadata/<escaped path>   a key's metadata (versions, settings)
 *   _kv-v2/versions/<sha256>/<n>     the data of version n of a key
 *
 * Metadata keys keep the secret's folder structure, so listing a folder is a
 * storage list. Each path segment is escaped ("%" → "%25", "." → "%2E")
 * because storage refuses keys containing "..", which a secret's name may.
 * Version data sits under a hash of the path: one flat folder per key that
 * can be listed and removed as a whole.
 */
export const VERSIONED_PREFIX = '_kv-v2/';
export const CONFIG_KEY = `${VERSIONED_PREFIX}config`;
const METADATA_PREFIX = `${VERSIONED_PREFIX}metadata/`;
const VERSIONS_PREFIX = `${VERSIONED_PREFIX}versions/`;

export function metadataKey(path: string): string {
  return METADATA_PREFIX + escapePath(path);
}

/** The storage prefix to list for a folder of secrets ("" or ending in "/"). */
export function metadataFolder(folder: string): string {
  return METADATA_PREFIX + escapePath(folder);
}

export function versionsFolder(path: string): string {
  return `${VERSIONS_PREFIX}${sha256Hex(path)}/`;
}

/** Every read and write hashes its path; the one-shot crypto.hash (Node 20.12+) skips building a Hash object. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

export function versionKey(path: string, version: number): string {
  return versionsFolder(path) + String(version);
}

export function escapePath(path: string): string {
  return path.replace(/[%.]/g, (c) => (c === '%' ? '%25' : '%2E'));
}

/** The inverse of escapePath, for names read back from a storage list. */
export function unescapePath(escaped: string): string {
  return escaped.replace(/%25|%2E/g, (seq) => (seq === '%25' ? '%' : '.'));
}
