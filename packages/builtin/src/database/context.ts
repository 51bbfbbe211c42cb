import type { DatabasePlugin, Logger, Storage, SystemView } from '@coffer/sdk';
import { readConfig } from './config-entry.js';
import type { ConnectionCache } from './connection-cache.js';
import type { KeyedMutex } from '@coffer/sdk';

/** What the database engine's path groups share within one mount. */
export interface DatabaseContext {
  system: SystemView;
  logger: Logger;
  connections: ConnectionCache;
  /** Serializes changes to one connection name. */
  locks: KeyedMutex;
  now: () => Date;
}

/** Runs `work` on the plugin connection `name`, opening it from the mount's stored configuration if needed. */
export function withDatabase<T>(
  ctx: DatabaseContext,
  storage: Storage,
  name: string,
  work: (db: DatabasePlugin) => Promise<T>,
  opts: { retryUnavailable?: boolean } = {},
): Promise<T> {
  return ctx.connections.use(name, () => readConfig(storage, name), work, opts);
}

/**
 * Credentials get a few seconds more in the database than their lease, so
 * that the core's own TTL arithmetic can never leave a live lease whose
 * database user has already expired.
 */
export const EXPIRATION_MARGIN_SECONDS = 5;

export const nameField = { type: 'string', description: 'Name of the database connection.' } as const;
