import { randomUUID } from 'node:crypto';
import { CofferError } from '@coffer/sdk';
import { newEntity } from './entity-ops.js';
import type { IdentityStore, IdentityTxn } from './store.js';
import type { Entity, EntityAlias } from './types.js';

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);

export interface AliasInput {
  id?: string;
  name?: string;
  mountAccessor?: string;
  canonicalId?: string;
  customMetadata?: Record<string, string>;
}

export function newAlias(now: number, fields: { canonicalId: string; mountAccessor: string; name: string; metadata?: Record<string, string>; customMetadata?: Record<string, string> }): EntityAlias {
  return {
    id: randomUUID(),
    canonicalId: fields.canonicalId,
    mountAccessor: fields.mountAccessor,
    name: fields.name,
    metadata: { ...(fields.metadata ?? {}) },
    customMetadata: { ...(fields.customMetadata ?? {}) },
    mergedFromCanonicalIds: [],
    creationTime: now,
    lastUpdateTime: now,
  };
}

/**
 * identity/entity-alias (create or update) and entity-alias/id/:id
 * (update), as Vault decides between them: an id names the alias to
 * change; otherwise an existing alias with the same name on the same
 * mount is updated; otherwise a new alias is made, on `canonical_id`'s
 * entity or on a new entity. Returns null when nothing changed (204).
 */
export function writeAlias(store: IdentityStore, input: AliasInput): Promise<{ id: string; canonical_id: string } | null> {
  return store.write((txn) => {
    if (input.id) {
      const found = store.alias(input.id);
      if (!found) throw invalid('invalid alias ID provided');
      return updateAlias(store, txn, found.alias, input);
    }
    if (!input.mountAccessor || !input.name) throw invalid("'id' or 'mount_accessor' and 'name' must be provided");
    if (!store.mount(input.mountAccessor)) throw invalid(`invalid mount accessor "${input.mountAccessor}"`);
    const existing = store.aliasByName(input.mountAccessor, input.name);
    if (existing) return updateAlias(store, txn, existing.alias, input);

    let entity: Entity | undefined;
    if (input.canonicalId) {
      entity = txn.editEntity(input.canonicalId);
      if (!entity) throw invalid('invalid canonical ID');
    }
    entity ??= newEntity(store.now());
    if (entity.aliases.some((a) => a.mountAccessor === input.mountAccessor)) {
      throw invalid('Alias already exists for requested entity and mount accessor');
    }
    const alias = newAlias(store.now(), { canonicalId: entity.id, mountAccessor: input.mountAccessor, name: input.name, customMetadata: input.customMetadata });
    entity.aliases.push(alias);
    txn.putEntity(entity);
    return { id: alias.id, canonical_id: entity.id };
  });
}

function updateAlias(store: IdentityStore, txn: IdentityTxn, current: EntityAlias, input: AliasInput): { id: string; canonical_id: string } | null {
  const name = input.name || current.name;
  const mountAccessor = input.mountAccessor || current.mountAccessor;
  const customMetadata = input.customMetadata ?? current.customMetadata;
  const moving = !!input.canonicalId && input.canonicalId !== current.canonicalId;
  if (name === current.name && mountAccessor === current.mountAccessor && !moving && sameMap(customMetadata, current.customMetadata)) return null;

  const owner = txn.editEntity(current.canonicalId);
  if (!owner) throw invalid('given alias is not associated with an entity');
  if (mountAccessor !== current.mountAccessor && !moving && owner.aliases.some((a) => a.id !== current.id && a.mountAccessor === mountAccessor)) {
    throw invalid("Alias cannot be updated as the entity already has an alias for the given 'mount_accessor'");
  }
  if (name !== current.name || mountAccessor !== current.mountAccessor) {
    if (!store.mount(mountAccessor)) throw invalid(`invalid mount accessor "${mountAccessor}"`);
    const other = store.aliasByName(mountAccessor, name);
    if (other && other.alias.id !== current.id) throw invalid('alias with combination of mount accessor and name already exists');
  }
  const updated: EntityAlias = { ...structuredClone(current), name, mountAccessor, customMetadata: { ...customMetadata }, lastUpdateTime: store.now() };

  if (!moving) {
    owner.aliases = owner.aliases.map((a) => (a.id === current.id ? updated : a));
    txn.putEntity(owner);
    return { id: updated.id, canonical_id: owner.id };
  }
  const target = txn.editEntity(input.canonicalId!);
  if (!target) throw invalid("given 'canonical_id' is not associated with an entity");
  if (target.aliases.some((a) => a.mountAccessor === mountAccessor)) {
    throw invalid('Alias cannot be updated as the given entity already has an alias for this mount');
  }
  owner.aliases = owner.aliases.filter((a) => a.id !== current.id);
  updated.canonicalId = target.id;
  target.aliases.push(updated);
  txn.putEntity(owner);
  txn.putEntity(target);
  return { id: updated.id, canonical_id: target.id };
}

/** Delete an entity alias; an unknown id is not an error (204). */
export function deleteAlias(store: IdentityStore, aliasId: string): Promise<void> {
  return store.write((txn) => {
    const found = store.alias(aliasId);
    if (!found) return;
    const owner = txn.editEntity(found.entity.id);
    if (owner) owner.aliases = owner.aliases.filter((a) => a.id !== aliasId);
  });
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

