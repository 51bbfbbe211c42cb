import type { OpenedDatabasePlugin } from '@coffer/sdk';
import { BUILTIN_DATABASE_PLUGIN_VERSION, builtinDatabasePlugins } from '../database-plugins/index.js';

const BUILTIN_VERSION = `v${BUILTIN_DATABASE_PLUGIN_VERSION}+builtin`;

/**
 * One connection of a database plugin Coffer carries (in process), or null
 * when `name` is none of them or `version` asks for another version than
 * the built-in one.
 */
export function openBuiltinDatabasePlugin(name: string, version: string): OpenedDatabasePlugin | null {
  const create = builtinDatabasePlugins.get(name);
  if (!create || (version !== '' && version !== BUILTIN_VERSION)) return null;
  const database = create();
  return { database, version: BUILTIN_VERSION, sha256: '', close: () => database.close() };
}
