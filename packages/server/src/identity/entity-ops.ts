import { randomUUID } from 'node:crypto';
import { CofferError } from '@coffer/sdk';
import type { IdentityStore, IdentityTxn } from './store.js';
import type { Entity } from './types.js';

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);

/** Policies as Vault keeps them on entities and groups: trimmed, lower-cased, no duplicates, never root. */
export function cleanPolicies(policies: readonly string[]): string[] {
  const out = [...new Set(policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''))];
  if (out.includes('root')) throw invalid('policies cannot contain root');
  return out;
}

/** Vault names entities it creates "entity_" and eight hex digits of the id. */
export function newEntity(now: number, name?: string): Entity {
  const id = randomUUID();
  return {
    id,
    name: name || `entity_${id.slice(0, 8)}`,
    metadata: {},
    policies: [],
    disabled: false,
    aliases: [],
    mergedEntityIds: [],
    creationTime: now,
    lastUpdateTime: now,
  };
}

export interface EntityInput {
  id?: string;
  name?: string;
  metadata?: Record<string, string>;
  policies?: string[];
  disabled?: boolean;
}

/**
 * Create or update an entity (Vault's handleEntityUpdateCommon): an id
 * names an existing entity; otherwise a name that is in use names the
 * entity to update; otherwise a new entity is made. Returns the entity and
 * whether it is new (only new entities are answered with a body).
 */
export function writeEntity(store: IdentityStore, input: EntityInput): Promise<{ entity: Entity; created: boolean }> {
  return store.write((txn) => {
    let entity: Entity | undefined;
    if (input.id) {
      entity = txn.editEntity(input.id);
      if (!entity) throw invalid('entity not found from id');
    }
    if (input.name) {
      const byName = store.entityNamed(input.name);
      if (byName && !entity) entity = txn.editEntity(byName.id);
      else if (byName && entity && byName.id !== entity.id) throw invalid('entity name is already in use');
    }
    const created = !entity;
    entity ??= newEntity(store.now());
    if (input.name) entity.name = input.name;
    if (input.policies !== undefined) entity.policies = cleanPolicies(input.policies);
    if (input.disabled !== undefined) entity.disabled = input.disabled;
    if (input.metadata !== undefined) entity.metadata = { ...input.metadata };
    txn.putEntity(entity);
    return { entity, created };
  });
}

/** Delete entities; ids that do not exist are skipped. Groups forget them as members. */
export function deleteEntities(store: IdentityStore, ids: readonly string[]): Promise<void> {
  return store.write((txn) => {
    for (const id of ids) removeEntity(store, txn, id);
  });
}

function removeEntity(store: IdentityStore, txn: IdentityTxn, id: string): void {
  if (!txn.entity(id)) return;
  for (const group of store.directGroupsOf(id)) {
    const edit = txn.editGroup(group.id);
    if (edit) edit.memberEntityIds = edit.memberEntityIds.filter((m) => m !== id);
  }
  txn.deleteEntity(id);
}

export interface MergeInput {
  fromEntityIds: string[];
  toEntityId: string;
  /** Where both sides have an alias on one mount: the alias ids to keep (the others are deleted). */
  conflictingAliasIdsToKeep: string[];
}

/**
 * Merge entities into one (Vault's entity/merge): the aliases, group
 * memberships and merged ids of each "from" entity move to the "to"
 * entity, and the "from" entities are deleted. Two aliases on the same
 * mount cannot both stay: without `conflicting_alias_ids_to_keep` naming
 * the one to keep, the merge is refused.
 */
export function mergeEntities(store: IdentityStore, input: MergeInput): Promise<void> {
  if (!input.toEntityId) return Promise.reject(invalid('missing entity id to merge to'));
  if (input.fromEntityIds.length === 0) return Promise.reject(invalid('missing entity ids to merge from'));
  if (input.fromEntityIds.length > 1 && input.conflictingAliasIdsToKeep.length > 0) {
    return Promise.reject(invalid('aliases conflicts cannot be resolved with multiple from entity ids - merge one entity at a time'));
  }
  return store.write((txn) => {
    const to = txn.editEntity(input.toEntityId);
    if (!to) throw invalid('entity id to merge to is invalid');
    const keep = new Set(input.conflictingAliasIdsToKeep);
    const seenAccessors = new Map<string, string>();
    for (const fromId of new Set(input.fromEntityIds)) {
      if (fromId === to.id) throw invalid('to_entity_id should not be present in from_entity_ids');
      const from = txn.entity(fromId);
      if (!from) throw invalid('entity id to merge from is invalid');
      for (const fromAlias of from.aliases) {
        const other = seenAccessors.get(fromAlias.mountAccessor);
        if (other !== undefined && other !== fromId) {
          throw invalid(`mount accessor ${fromAlias.mountAccessor} found in multiple fromEntities, merge should be done with one fromEntity at a time`);
        }
        seenAccessors.set(fromAlias.mountAccessor, fromId);
        const clash = to.aliases.find((a) => a.mountAccessor === fromAlias.mountAccessor);
        if (clash) {
          if (keep.has(fromAlias.id)) {
            to.aliases = to.aliases.filter((a) => a.id !== clash.id);
          } else if (keep.has(clash.id)) {
            continue;
          } else {
            throw invalid(
              'toEntity and at least one fromEntity have aliases with the same mount accessor, repeat the merge request specifying exactly one fromEntity, clashes: ' +
                `mountAccessor: ${fromAlias.mountAccessor}, toEntity ID: ${to.id}, fromEntity ID: ${fromId}, conflicting toEntity alias ID: ${clash.id}, conflicting fromEntity alias ID: ${fromAlias.id}`,
            );
          }
        }
        to.aliases.push({
          ...structuredClone(fromAlias),
          canonicalId: to.id,
          mergedFromCanonicalIds: [...fromAlias.mergedFromCanonicalIds, fromId],
          lastUpdateTime: store.now(),
        });
      }
      to.mergedEntityIds = [...new Set([...to.mergedEntityIds, ...from.mergedEntityIds, fromId])];
      for (const group of store.directGroupsOf(fromId)) {
        const edit = txn.editGroup(group.id);
        if (!edit) continue;
        edit.memberEntityIds = [...new Set(edit.memberEntityIds.map((m) => (m === fromId ? to.id : m)))];
      }
      txn.deleteEntity(fromId);
    }
  });
}
