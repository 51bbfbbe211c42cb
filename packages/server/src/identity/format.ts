import type { IdentityStore } from './store.js';
import type { Entity, EntityAlias, Group, GroupAlias } from './types.js';

/** Vault reports identity times in RFC 3339. */
const time = (ms: number): string => new Date(ms).toISOString();

/** The mount_type and mount_path Vault adds to an alias whose mount still exists. */
function mountFields(store: IdentityStore, accessor: string): Record<string, string> {
  const mount = store.mount(accessor);
  return mount ? { mount_type: mount.type, mount_path: mount.path } : {};
}

export function aliasData(store: IdentityStore, alias: EntityAlias): Record<string, unknown> {
  return {
    id: alias.id,
    canonical_id: alias.canonicalId,
    mount_accessor: alias.mountAccessor,
    ...mountFields(store, alias.mountAccessor),
    metadata: alias.metadata,
    custom_metadata: alias.customMetadata,
    name: alias.name,
    merged_from_canonical_ids: alias.mergedFromCanonicalIds,
    creation_time: time(alias.creationTime),
    last_update_time: time(alias.lastUpdateTime),
    local: store.mount(alias.mountAccessor)?.local ?? false,
    namespace_id: 'root',
  };
}

/** identity/entity/id/:id (and lookup/entity): the entity with its aliases and groups. */
export function entityData(store: IdentityStore, entity: Entity): Record<string, unknown> {
  const direct = store.directGroupsOf(entity.id).map((g) => g.id).sort();
  const inherited = store.inheritedGroupsOf(entity.id).map((g) => g.id).sort();
  return {
    id: entity.id,
    name: entity.name,
    metadata: entity.metadata,
    merged_entity_ids: entity.mergedEntityIds,
    policies: entity.policies,
    disabled: entity.disabled,
    namespace_id: 'root',
    creation_time: time(entity.creationTime),
    last_update_time: time(entity.lastUpdateTime),
    aliases: entity.aliases.map((a) => aliasData(store, a)),
    direct_group_ids: direct,
    inherited_group_ids: inherited,
    group_ids: [...direct, ...inherited],
  };
}

/** An entity's row in key_info of entity/id and entity/name listings. */
export function entityListInfo(store: IdentityStore, entity: Entity): Record<string, unknown> {
  const info: Record<string, unknown> = { id: entity.id, name: entity.name };
  if (entity.aliases.length > 0) {
    info['aliases'] = entity.aliases.map((a) => ({ id: a.id, name: a.name, mount_accessor: a.mountAccessor, ...mountFields(store, a.mountAccessor) }));
  }
  return info;
}

export function aliasListInfo(store: IdentityStore, alias: EntityAlias): Record<string, unknown> {
  return {
    canonical_id: alias.canonicalId,
    custom_metadata: alias.customMetadata,
    local: store.mount(alias.mountAccessor)?.local ?? false,
    mount_accessor: alias.mountAccessor,
    ...mountFields(store, alias.mountAccessor),
    name: alias.name,
  };
}

export function groupAliasData(store: IdentityStore, alias: GroupAlias): Record<string, unknown> {
  return {
    id: alias.id,
    canonical_id: alias.canonicalId,
    mount_accessor: alias.mountAccessor,
    ...mountFields(store, alias.mountAccessor),
    metadata: alias.metadata,
    name: alias.name,
    merged_from_canonical_ids: alias.mergedFromCanonicalIds,
    creation_time: time(alias.creationTime),
    last_update_time: time(alias.lastUpdateTime),
    namespace_id: 'root',
  };
}

export function groupData(store: IdentityStore, group: Group): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    type: group.type,
    policies: group.policies,
    metadata: group.metadata,
    member_entity_ids: group.memberEntityIds,
    member_group_ids: group.memberGroupIds,
    parent_group_ids: store.parentGroupIds(group.id),
    alias: group.alias ? groupAliasData(store, group.alias) : {},
    creation_time: time(group.creationTime),
    last_update_time: time(group.lastUpdateTime),
    modify_index: group.modifyIndex,
    namespace_id: 'root',
  };
}

export function groupListInfo(store: IdentityStore, group: Group): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: group.id,
    name: group.name,
    num_member_entities: group.memberEntityIds.length,
    num_parent_groups: store.parentGroupIds(group.id).length,
  };
  if (group.alias) info['alias'] = { id: group.alias.id, name: group.alias.name, mount_accessor: group.alias.mountAccessor, ...mountFields(store, group.alias.mountAccessor) };
  return info;
}

/** A list answer with key_info, keys sorted. */
export function listWithInfo(rows: Array<[string, Record<string, unknown>]>): { data: Record<string, unknown> } | null {
  if (rows.length === 0) return null;
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { data: { keys: rows.map((r) => r[0]), key_info: Object.fromEntries(rows) } };
}
