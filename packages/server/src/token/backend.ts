import { createBackend, silentLogger, type Backend, type Logger, type Request } from '@coffer/sdk';
import { accessorAndTidyPaths } from './path-accessors.js';
import { createPaths } from './path-create.js';
import { lookupPaths } from './path-lookup.js';
import { renewPaths } from './path-renew.js';
import { revokePaths } from './path-revoke.js';
import { rolePaths } from './path-roles.js';
import type { TokenStore } from './store.js';

export interface TokenBackendOptions {
  /**
   * Whether the caller has root or sudo capability on the request's path
   * (mount included). Default: what the core's authorize stage put on the
   * request (`req.sudo`).
   */
  hasSudo?: (req: Request) => boolean | Promise<boolean>;
  logger?: Logger;
}

/** The token store's endpoints, mounted at auth/token/ (type "token", credential). */
export function createTokenBackend(store: TokenStore, options: TokenBackendOptions = {}): Backend {
  const opts = { hasSudo: (req: Request) => req.sudo === true, ...options };
  return createBackend({
    type: 'credential',
    help:
      'The token credential backend is always enabled and built in. Client tokens identify a client and carry the policies ' +
      'enforced on every request. This backend creates, looks up, renews and revokes tokens, and manages token roles.',
    paths: [...createPaths(store, opts), ...lookupPaths(store), ...renewPaths(store), ...revokePaths(store, opts), ...rolePaths(store), ...accessorAndTidyPaths(store, opts.logger ?? silentLogger)],
    pathsSpecial: {
      root: ['revoke-orphan/*', 'accessors*'],
      localStorage: ['id/', 'accessor/', 'parent/', 'salt'],
    },
  });
}
