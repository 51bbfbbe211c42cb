import { createBackend, type Backend } from '@coffer/sdk';
import { entityAliasPaths } from './path-entity-alias.js';
import { entityPaths } from './path-entity.js';
import { groupAliasPaths } from './path-group-alias.js';
import { groupPaths } from './path-group.js';
import { lookupPaths } from './path-lookup.js';
import { oidcPaths } from './oidc/path-oidc.js';
import { providerConfigPaths } from './oidc/path-provider-config.js';
import { ProviderFlowRecords } from './oidc/flow-records.js';
import { providerFlowPaths } from './oidc/path-provider-flow.js';
import { mfaPaths } from './mfa/paths.js';
import type { IdentityStore } from './store.js';

/**
 * The identity secrets backend, mounted at identity/ on every server (type
 * "identity", cannot be disabled or moved). Its records live in the
 * identity store, which the core also uses at login and on every request.
 */
export function createIdentityBackend(store: IdentityStore): Backend {
  const flowRecords = new ProviderFlowRecords(() => store.now());
  return createBackend({
    type: 'logical',
    help:
      'The identity store: entities (one per client, whatever auth methods it uses) with their aliases at each auth mount, ' +
      'and groups of entities. Policies of an entity and of its groups are added to its tokens\' policies on every request.',
    paths: [...entityPaths(store), ...entityAliasPaths(store), ...groupPaths(store), ...groupAliasPaths(store), ...lookupPaths(store), ...oidcPaths(store), ...providerConfigPaths(store), ...providerFlowPaths(store, flowRecords), ...mfaPaths(store)],
    // The discovery documents are public, as Vault's; an OIDC client authenticates itself at token, an access token at userinfo.
    pathsSpecial: { unauthenticated: ['oidc/.well-known/*', 'oidc/provider/+/.well-known/*', 'oidc/provider/+/token', 'oidc/provider/+/userinfo'] },
    // The OIDC provider's expired authorization codes and access tokens.
    periodic: ({ storage }) => flowRecords.sweep(storage),
  });
}
