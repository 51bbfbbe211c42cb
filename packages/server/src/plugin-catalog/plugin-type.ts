import { CofferError } from '@coffer/sdk';
import type { MountEntry } from '../mounts/mount-entry.js';

/** The three kinds of plugin the catalog holds, with Vault's names. */
export type PluginType = 'secret' | 'auth' | 'database';

export const PLUGIN_TYPES: readonly PluginType[] = ['auth', 'database', 'secret'];

/** Reads a type from a request ("secret", "auth", "database"). */
export function parsePluginType(value: string): PluginType {
  if ((PLUGIN_TYPES as readonly string[]).includes(value)) return value as PluginType;
  throw new CofferError('invalid_request', `"${value}" is not a plugin type: use "auth", "database" or "secret"`);
}

/**
 * The catalog type a mount runs: auth methods run "auth" plugins, secrets
 * engines "secret" plugins. Database plugins are never mounted themselves;
 * the database secrets engine runs them for its connections.
 */
export function pluginTypeOfMount(entry: Pick<MountEntry, 'table'>): 'secret' | 'auth' {
  return entry.table === 'auth' ? 'auth' : 'secret';
}

/** Plugin names become storage keys and path segments: keep them plain. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function checkPluginName(name: string): string {
  if (!name) throw new CofferError('invalid_request', 'missing plugin name');
  if (!NAME.test(name) || name.length > 128) {
    throw new CofferError('invalid_request', `invalid plugin name "${name}": use letters, digits, ".", "_" and "-" only (at most 128 characters)`);
  }
  return name;
}
