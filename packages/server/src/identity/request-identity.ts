import { CofferError } from '@coffer/sdk';
import type { RequestIdentity } from '../core/pipeline/stage.js';
import type { IdentityStore } from './store.js';
import type { Entity } from './types.js';

/** Policies of the entity and of every group it is in, directly or through nested groups; sorted, no duplicates. */
export function identityPolicies(store: IdentityStore, entity: Entity): string[] {
  const groups = [...store.directGroupsOf(entity.id), ...store.inheritedGroupsOf(entity.id)];
  return [...new Set([...entity.policies, ...groups.flatMap((g) => g.policies)])].sort();
}

/**
 * What a request made with a token of this entity gets from the identity
 * store: the extra policies and what templated policies may refer to.
 * Null when the entity no longer exists (the token keeps its own policies);
 * a disabled entity's tokens are refused, as in Vault.
 */
export function requestIdentity(store: IdentityStore, entityId: string): RequestIdentity | null {
  const entity = store.entity(entityId);
  if (!entity) return null;
  if (entity.disabled) throw new CofferError('permission_denied', 'permission denied');
  const groups = [...store.directGroupsOf(entity.id), ...store.inheritedGroupsOf(entity.id)].sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    entityId: entity.id,
    policies: identityPolicies(store, entity),
    template: {
      entity: {
        id: entity.id,
        name: entity.name,
        metadata: entity.metadata,
        aliases: Object.fromEntries(entity.aliases.map((a) => [a.mountAccessor, { id: a.id, name: a.name, metadata: a.metadata, customMetadata: a.customMetadata }])),
      },
      groups: groups.map((g) => ({ id: g.id, name: g.name, metadata: g.metadata })),
    },
  };
}
