// KV helpers shared by the "kv" commands: finding the mount and its version
// (the same pre-flight request Vault's CLI makes), and turning a user path
// like "secret/foo" into the KV v2 API path "secret/data/foo".
import { posix } from 'node:path';
import { throwIfError, type ApiClient } from '../api/client.js';
import { parseSecret } from '../api/secret.js';
import type { Ui } from '../cli/ui.js';

/** Trims whitespace and leading/trailing slashes. */
export function sanitizePath(path: string): string {
  return path.trim().replace(/^\/+/, '').replace(/\/+$/, '');
}

export function ensureTrailingSlash(path: string): string {
  const trimmed = path.trim();
  if (trimmed === '') return '';
  return trimmed.endsWith('/') ? trimmed : trimmed + '/';
}

/** Go's path.Join: joins, cleans, and drops empty parts and trailing slashes. */
export function joinPath(...parts: string[]): string {
  const nonEmpty = parts.filter((p) => p !== '');
  if (nonEmpty.length === 0) return '';
  const joined = posix.normalize(nonEmpty.join('/'));
  return joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
}

export interface KvMount {
  /** The mount path as the server reports it ("secret/"), or "" if unknown. */
  mountPath: string;
  version: 1 | 2;
}

/**
 * Asks sys/internal/ui/mounts/<path> which mount serves the path and whether
 * it is KV version 2. A 404 (an old server without the endpoint) means v1.
 */
export async function kvPreflight(client: ApiClient, path: string): Promise<KvMount> {
  const response = await client.send('GET', `sys/internal/ui/mounts/${path}`, { noWrap: true, noCurl: true });
  if (response.statusCode === 404) return { mountPath: '', version: 1 };
  throwIfError(response);
  const secret = parseSecret(response.body);
  if (!secret) throw new Error('nil response from pre-flight request');
  const data = secret.data ?? {};
  const mountPath = typeof data.path === 'string' ? data.path : '';
  const options = data.options as Record<string, unknown> | null | undefined;
  const version = options && String(options.version ?? '') === '2' ? 2 : 1;
  return { mountPath, version };
}

/** Vault's addPrefixToKVPath: "secret/foo" + "data" -> "secret/data/foo". */
export function addPrefixToKvPath(path: string, mountPath: string, apiPrefix: string): string {
  if (path === mountPath || path === mountPath.replace(/\/$/, '')) return joinPath(mountPath, apiPrefix);
  let mount = mountPath;
  let rest = path.startsWith(mount) ? path.slice(mount.length) : path;
  // When the reported mount has leading segments the user did not type
  // (namespaces in Vault), drop them one at a time until it matches.
  while (rest === path) {
    const slash = mount.indexOf('/');
    if (slash < 0 || mount.slice(slash + 1) === '') break;
    mount = mount.slice(slash + 1).replace(/\/$/, '');
    rest = rest.startsWith(mount) ? rest.slice(mount.length) : rest;
  }
  return joinPath(mount, apiPrefix, rest);
}

export interface ResolvedKvPath {
  v2: boolean;
  mountPath: string;
  /** What the user addressed, with the mount in front ("secret/foo"). */
  partialPath: string;
  /** Builds the API path for a v2 prefix ("data", "metadata", ...). */
  api(prefix: string): string;
  /** The path for v1 mounts. */
  v1Path: string;
}

/**
 * Resolves a kv command's KEY argument, with or without -mount, the way
 * Vault's kv commands do.
 */
export async function resolveKvPath(client: ApiClient, keyArg: string, mountFlag: string | undefined): Promise<ResolvedKvPath> {
  const useMountFlag = !!mountFlag;
  let partialPath = sanitizePath(keyArg);
  const mount = useMountFlag ? await kvPreflight(client, sanitizePath(mountFlag!)) : await kvPreflight(client, partialPath);
  const v2 = mount.version === 2;
  if (useMountFlag && v2) partialPath = joinPath(mount.mountPath, partialPath);
  const v1Path = useMountFlag ? joinPath(mount.mountPath || sanitizePath(mountFlag!), partialPath) : partialPath;
  return {
    v2,
    mountPath: mount.mountPath,
    partialPath,
    api: (prefix) => addPrefixToKvPath(partialPath, mount.mountPath, prefix),
    v1Path,
  };
}

/** "=== Title ===" sized to a width, as Vault heads its KV sections. */
export function padEqualSigns(header: string, totalLength: number): string {
  let signs = totalLength - (header.length + 2);
  if (signs <= 0) signs = 4;
  if (signs % 2 !== 0) signs += 1;
  const side = '='.repeat(signs / 2);
  return `${side} ${header} ${side}`;
}

/** Section header sized to the table that follows it. */
export function headerForMap(header: string, data: Record<string, unknown>): string {
  const longestKey = Math.max(0, ...Object.keys(data).map((k) => k.length));
  // 4 for the column gap and 5 for "Value".
  return padEqualSigns(header, longestKey + 4 + 5);
}

/** "== Secret Path ==" followed by the path and a blank line. */
export function outputPath(ui: Ui, path: string, title: string): void {
  ui.info(padEqualSigns(title, path.length));
  ui.info(path);
  ui.info('');
}
