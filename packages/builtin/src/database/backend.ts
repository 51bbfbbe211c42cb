import { createBackend, type BackendConfig, type BackendFactory, type FrameworkBackend } from '@coffer/sdk';
import { configNameOfKey } from './config-entry.js';
import { ConnectionCache } from './connection-cache.js';
import type { DatabaseContext } from './context.js';
import { KeyedMutex } from '@coffer/sdk';
import { pathConfig } from './path-config.js';
import { pathCreds } from './path-creds.js';
import { pathReload } from './path-reload.js';
import { pathReset } from './path-reset.js';
import { pathRoles } from './path-roles.js';
import { pathRotateRoot } from './path-rotate-root.js';
import { secretCreds } from './secret-creds.js';
import { pathRotateRole, pathStaticCreds } from './path-static-creds.js';
import { pathStaticRoles } from './path-static-roles.js';
import { StaticRotator, type StaticRotationOptions } from './static-rotation.js';

export interface DatabaseOptions {
  /** How long a replaced connection may finish running calls before it is closed anyway (default 30 s). */
  drainTimeoutMs?: number;
  /** The clock of expirations; tests pass their own. */
  now?: () => Date;
  /** Retry timing of failed static role rotations. */
  staticRotation?: StaticRotationOptions;
}

const HELP =
  'The database secrets engine creates database users on demand. Configure a connection to a database under ' +
  '"config/<name>" with the database plugin (from the plugin catalog) that knows that kind of database, define ' +
  'roles under "roles/<name>" with the statements that create and drop users, and read "creds/<role>" to get a ' +
  'new username and password with a lease; when the lease ends the user is dropped. Static roles ("static-roles/<name>") take ' +
  'over an existing user and rotate its password on a schedule; read it from "static-creds/<name>".';

export function createDatabaseBackend(conf: BackendConfig, options: DatabaseOptions = {}): FrameworkBackend {
  const logger = conf.logger.child({ engine: 'database' });
  const ctx: DatabaseContext = {
    system: conf.system,
    logger,
    connections: new ConnectionCache({ system: conf.system, logger, drainTimeoutMs: options.drainTimeoutMs }),
    locks: new KeyedMutex(),
    now: options.now ?? (() => new Date()),
  };
  const rotator = new StaticRotator(ctx, options.staticRotation);
  return createBackend({
    type: 'logical',
    help: HELP,
    pathsSpecial: { sealWrapStorage: ['config/*', 'static-role/*', 'static-wal/*'] },
    paths: [
      ...pathConfig(ctx),
      pathReset(ctx),
      pathRotateRoot(ctx),
      ...pathRoles(),
      pathCreds(ctx),
      pathReload(ctx),
      ...pathStaticRoles(ctx, rotator),
      pathStaticCreds(ctx),
      pathRotateRole(rotator),
    ],
    secrets: [secretCreds(ctx)],
    initialize: (req) => rotator.start(req.storage),
    clean: async () => {
      rotator.stop();
      await ctx.connections.closeAll();
    },
    invalidate: async (key) => {
      // Another node changed a connection's configuration: reopen it from storage on next use.
      const name = configNameOfKey(key);
      if (name !== undefined) await ctx.connections.evict(name);
    },
  });
}

export const databaseFactory: BackendFactory = async (conf) => createDatabaseBackend(conf);
