import type { MountEntry } from '../mounts/mount-entry.js';
import { builtinTypeName, isBuiltinType } from '../mounts/builtin-source.js';

/**
 * Secrets engines whose reads act on nothing but Coffer's own storage. A
 * read of a dynamic-secrets engine (database, RabbitMQ…) creates an account
 * elsewhere before its lease is written: begun on a standby, the lease write
 * would be refused and the request handed to the active node, which would
 * create a second account and leave the first one behind. Such engines, and
 * every external plugin (nobody knows what its reads do), are read through
 * the active node.
 */
const STORAGE_ONLY_SECRET_ENGINES = new Set(['kv', 'cubbyhole', 'transit', 'pki', 'totp', 'ssh', 'system', 'identity']);

/** Whether a performance standby may serve reads of this mount itself. */
export function standbyServesReadsOf(entry: MountEntry | undefined): boolean {
  if (!entry) return false;
  const builtin = entry.plugin_version === '' || entry.plugin_version.includes('+builtin');
  if (!builtin) return false;
  if (entry.table === 'auth') return entry.type === 'token' || isBuiltinType('auth', entry.type);
  return STORAGE_ONLY_SECRET_ENGINES.has(builtinTypeName(entry.type));
}
