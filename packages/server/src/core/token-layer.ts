import { CofferError, type Backend, type Logger } from '@coffer/sdk';
import type { Barrier } from '../barrier/index.js';
import type { ExpirationManager, LeaseOwner } from '../expiration/index.js';
import { StorageView } from '@coffer/sdk';
import { createLeasePort, createTokenBackend, createTokenPort, createTokenStore, tokenInfoOf, type TokenStore } from '../token/index.js';
import type { LeasePort, TokenInfo, TokenPort } from './ports.js';

/** The token store with the adapters the pipeline and the sys backend use. */
export interface TokenLayer {
  store: TokenStore;
  port: TokenPort;
  leases: LeasePort;
  /** The auth/token/ backend. */
  backend: Backend;
  createRootToken(id?: string): Promise<string>;
  infoByAccessor(accessor: string): Promise<TokenInfo>;
  leaseOwner(clientToken: string): Promise<LeaseOwner>;
}
import type { MetricsSink } from '../metrics/sink.js';

export interface TokenLayerDeps {
  barrier: Barrier;
  expiration: ExpirationManager;
  logger: Logger;
  /** The auth/token/ mount's TTLs after tuning. */
  tokenMountTtls: () => { defaultTtl: number; maxTtl: number };
  /** Wipe a token's cubbyhole when the token goes away. */
  destroyCubbyhole: (cubbyholeId: string) => Promise<void>;
  policyExists: (name: string) => Promise<boolean>;
  metrics?: MetricsSink;
  /** The policies a token's entity and its groups add (lookups show them). */
  identityPolicies?: (entityId: string) => string[];
  /** The entity with this alias on auth/token/ (found or created), for token create's entity_alias. */
  entityForAlias?: (aliasName: string) => Promise<string>;
}

export function createTokenLayer(deps: TokenLayerDeps): TokenLayer {
  const store = createTokenStore({
    storage: new StorageView(deps.barrier, 'sys/token/'),
    expiration: deps.expiration,
    blobCipher: deps.barrier,
    logger: deps.logger,
    ttlDefaults: deps.tokenMountTtls,
    policyExists: deps.policyExists,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.identityPolicies ? { identityPolicies: deps.identityPolicies } : {}),
    ...(deps.entityForAlias ? { entityForAlias: deps.entityForAlias } : {}),
    onRevoke: async (entry) => {
      if (entry.cubbyholeId) await deps.destroyCubbyhole(entry.cubbyholeId);
    },
  });
  return {
    store,
    port: createTokenPort(store),
    leases: createLeasePort(deps.expiration, store),
    backend: createTokenBackend(store, { logger: deps.logger }),
    async createRootToken(id) {
      return (await store.createRootToken(id ? { id } : {})).id;
    },
    async infoByAccessor(accessor) {
      const entry = await store.lookupByAccessor(accessor);
      if (!entry) throw new CofferError('invalid_request', 'invalid accessor');
      return tokenInfoOf(entry);
    },
    async leaseOwner(clientToken) {
      const entry = clientToken ? await store.lookup(clientToken, { tainted: true }) : null;
      return entry ? store.leaseOwner(entry) : { tokenKey: '', tokenType: 'service' };
    },
  };
}
