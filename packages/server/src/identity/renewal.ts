import type { Auth, Response } from '@coffer/sdk';
import { refreshExternalGroups } from './login.js';
import type { IdentityStore } from './store.js';

/**
 * What a login token's renewal means for identity: the token keeps its
 * entity whatever the auth method answers, and the groups the method
 * reports again (if it reports any) replace that mount's external group
 * memberships of the entity.
 */
export async function identityAfterRenewal(store: IdentityStore, input: { leaseAuth: Auth | undefined; mountAccessor: string | undefined; response: Response | null }): Promise<Response | null> {
  const { response, leaseAuth, mountAccessor } = input;
  const entityId = leaseAuth?.entityId;
  if (!response?.auth || !entityId) return response;
  if (!response.auth.entityId) response.auth.entityId = entityId;
  const groupAliases = response.auth.groupAliases;
  if (groupAliases && mountAccessor) await refreshExternalGroups(store, entityId, mountAccessor, groupAliases);
  return response;
}
