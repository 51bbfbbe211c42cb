import type { AclPort } from '../core/ports.js';
import type { PolicyStore } from './store.js';

/**
 * The request pipeline's view of policies: decisions for a token's policy
 * names, with the compiled ACL taken from the store's cache.
 */
export function policyAclPort(store: PolicyStore): AclPort {
  return {
    authorize: async (policies, input) => (await store.acl(policies, input.identity)).allowOperation(input),
    capabilities: async (policies, path, identity) => (await store.acl(policies, identity)).capabilities(path),
    mountAccess: async (policies, mountPath) => (await store.acl(policies)).hasMountAccess(mountPath),
  };
}
