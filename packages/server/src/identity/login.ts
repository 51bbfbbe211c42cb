import type { Alias } from '@coffer/sdk';
import { newAlias } from './alias-ops.js';
import { newEntity } from './entity-ops.js';
import { syncExternalGroups } from './group-ops.js';
import type { IdentityStore } from './store.js';
import type { Entity } from './types.js';

/**
 * The identity side of a successful login: the entity behind the alias the
 * auth method reported (found by mount accessor and alias name, or created
 * with a new entity, as Vault does), the alias's metadata refreshed, and,
 * when the method reported the user's groups, the external group
 * memberships of that mount brought in line.
 */
export function entityForLogin(store: IdentityStore, input: { mountAccessor: string; alias: Alias; groupAliases?: Alias[] }): Promise<Entity> {
  return store.write((txn) => {
    const found = store.aliasByName(input.mountAccessor, input.alias.name);
    let entity: Entity;
    if (found) {
      entity = found.entity;
      const metadata = input.alias.metadata ?? {};
      if (JSON.stringify(metadata) !== JSON.stringify(found.alias.metadata)) {
        const edit = txn.editEntity(entity.id)!;
        edit.aliases = edit.aliases.map((a) => (a.id === found.alias.id ? { ...a, metadata: { ...metadata }, lastUpdateTime: store.now() } : a));
        entity = edit;
      }
    } else {
      entity = newEntity(store.now());
      entity.aliases.push(newAlias(store.now(), { canonicalId: entity.id, mountAccessor: input.mountAccessor, name: input.alias.name, metadata: input.alias.metadata }));
      txn.putEntity(entity);
    }
    syncExternalGroups(store, txn, entity.id, input.mountAccessor, (input.groupAliases ?? []).map((g) => g.name));
    return entity;
  });
}

/** On renewal, the groups the auth method reports again replace that mount's external memberships. */
export function refreshExternalGroups(store: IdentityStore, entityId: string, mountAccessor: string, groupAliases: readonly Alias[]): Promise<void> {
  return store.write((txn) => {
    if (!txn.entity(entityId)) return;
    syncExternalGroups(store, txn, entityId, mountAccessor, groupAliases.map((g) => g.name));
  });
}
