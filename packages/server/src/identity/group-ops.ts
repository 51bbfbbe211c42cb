import { randomUUID } from 'node:crypto';
import { CofferError } from '@coffer/sdk';
import { cleanPolicies } from './entity-ops.js';
import type { IdentityStore, IdentityTxn } from './store.js';
import type { Group, GroupType } from './types.js';

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);

export function newGroup(now: number, type: GroupType): Group {
  const id = randomUUID();
  return {
    id,
    name: `group_${id.slice(0, 8)}`,
    type,
    metadata: {},
    policies: [],
    memberEntityIds: [],
    memberGroupIds: [],
    alias: null,
    creationTime: now,
    lastUpdateTime: now,
    modifyIndex: 0,
  };
}

export interface GroupInput {
  /** Update the group with this id (it must exist). */
  id?: string;
  /** group/name/:name: the group with this name, created when missing. */
  byName?: string;
  name?: string;
  type?: string;
  metadata?: Record<string, string>;
  policies?: string[];
  memberEntityIds?: string[];
  memberGroupIds?: string[];
}

/**
 * Create or update a group (Vault's handleGroupUpdateCommon). The type is
 * fixed at creation; external groups get their members from logins only;
 * a member group that would close a cycle is refused.
 */
export function writeGroup(store: IdentityStore, input: GroupInput): Promise<{ group: Group; created: boolean }> {
  return store.write((txn) => {
    let group: Group | undefined;
    if (input.id) {
      group = txn.editGroup(input.id);
      if (!group) throw invalid('invalid group ID');
    } else {
      const lookupName = input.byName ?? input.name;
      const existing = lookupName ? store.groupNamed(lookupName) : undefined;
      if (existing) group = txn.editGroup(existing.id);
    }
    const created = !group;
    if (input.type !== undefined && input.type !== '' && group && input.type !== group.type) throw invalid('group type cannot be changed');
    const type = input.type || group?.type || 'internal';
    if (type !== 'internal' && type !== 'external') throw invalid(`invalid group type "${type}"`);
    group ??= newGroup(store.now(), type);
    if (input.policies !== undefined) group.policies = cleanPolicies(input.policies);

    const name = input.name || (created ? input.byName : undefined);
    if (name) {
      const byName = store.groupNamed(name);
      if (byName && byName.id !== group.id) throw invalid('group name is already in use');
      group.name = name;
    }
    if (input.metadata !== undefined) group.metadata = { ...input.metadata };
    if (input.memberEntityIds !== undefined) {
      if (group.type === 'external') throw invalid("member entities can't be set manually for external groups");
      const ids = [...new Set(input.memberEntityIds.filter((id) => id !== ''))];
      for (const id of ids) if (!txn.entity(id)) throw invalid(`invalid entity ID "${id}"`);
      group.memberEntityIds = ids;
    }
    if (input.memberGroupIds !== undefined) {
      if (group.type === 'external') throw invalid("member groups can't be set for external groups");
      const ids = [...new Set(input.memberGroupIds.filter((id) => id !== ''))];
      for (const id of ids) {
        if (id === group.id) throw invalid(`member group ID "${id}" is same as the ID of the group`);
        if (!txn.group(id)) throw invalid(`invalid member group ID "${id}"`);
      }
      group.memberGroupIds = ids;
      txn.putGroup(group);
      // Adding `id` under this group closes a cycle when this group is already reachable from `id`.
      for (const id of ids) {
        if (store.reaches(id, group.id, txn)) throw invalid(`cyclic relationship detected for member group ID "${id}"`);
      }
    }
    txn.putGroup(group);
    return { group, created };
  });
}

/** Delete groups; unknown ids are skipped. Parent groups forget them as members. */
export function deleteGroup(store: IdentityStore, id: string): Promise<void> {
  return store.write((txn) => {
    if (!txn.group(id)) return;
    for (const parentId of store.parentGroupIds(id)) {
      const parent = txn.editGroup(parentId);
      if (parent) parent.memberGroupIds = parent.memberGroupIds.filter((m) => m !== id);
    }
    txn.deleteGroup(id);
  });
}

export interface GroupAliasInput {
  id?: string;
  name?: string;
  mountAccessor?: string;
  canonicalId?: string;
}

/**
 * identity/group-alias: bind an external group to a group name at an auth
 * mount. Without `canonical_id` a new external group is made for it; a
 * group has one alias, so a new one replaces the old.
 */
export function writeGroupAlias(store: IdentityStore, input: GroupAliasInput): Promise<{ id: string; canonical_id: string }> {
  return store.write((txn) => {
    const current = input.id ? store.groupAlias(input.id) : undefined;
    if (input.id && !current) throw invalid('invalid group alias ID');
    const name = input.name || current?.alias.name || '';
    const mountAccessor = input.mountAccessor || current?.alias.mountAccessor || '';
    if (!name) throw invalid('missing alias name');
    if (!mountAccessor) throw invalid('missing mount_accessor');

    let target: Group | undefined;
    if (input.canonicalId) {
      target = txn.editGroup(input.canonicalId);
      if (!target) throw invalid("invalid group ID given in 'canonical_id'");
      if (target.type !== 'external') throw invalid("alias can't be set on an internal group");
    }
    const mount = store.mount(mountAccessor);
    if (!mount) throw invalid(`invalid mount accessor "${mountAccessor}"`);
    if (mount.local) throw invalid(`mount accessor "${mountAccessor}" is a local mount`);
    const byFactors = store.groupAliasByName(mountAccessor, name);
    if (byFactors && byFactors.alias.id !== current?.alias.id) throw invalid('combination of mount and group alias name is already in use');

    const now = store.now();
    if (current && (!target || target.id === current.group.id)) {
      target = txn.editGroup(current.group.id)!;
    } else if (current) {
      const previous = txn.editGroup(current.group.id);
      if (previous) previous.alias = null;
    }
    target ??= newGroup(now, 'external');
    target.alias = {
      id: current?.alias.id ?? randomUUID(),
      canonicalId: target.id,
      mountAccessor,
      name,
      metadata: current?.alias.metadata ?? {},
      mergedFromCanonicalIds: current?.alias.mergedFromCanonicalIds ?? [],
      creationTime: current?.alias.creationTime ?? now,
      lastUpdateTime: now,
    };
    txn.putGroup(target);
    return { id: target.alias.id, canonical_id: target.id };
  });
}

export function deleteGroupAlias(store: IdentityStore, aliasId: string): Promise<void> {
  return store.write((txn) => {
    const found = store.groupAlias(aliasId);
    if (!found) return;
    const group = txn.editGroup(found.group.id);
    if (group) group.alias = null;
  });
}

/**
 * Make the entity a member of exactly those external groups bound to this
 * auth mount whose alias names are among `groupNames` (the groups the auth
 * method reported at login or renewal), leaving other mounts' groups alone.
 */
export function syncExternalGroups(store: IdentityStore, txn: IdentityTxn, entityId: string, mountAccessor: string, groupNames: readonly string[]): void {
  const wanted = new Set<string>();
  for (const name of groupNames) {
    const found = store.groupAliasByName(mountAccessor, name);
    if (found && found.group.type === 'external') wanted.add(found.group.id);
  }
  for (const group of store.directGroupsOf(entityId)) {
    if (group.type !== 'external' || group.alias?.mountAccessor !== mountAccessor || wanted.has(group.id)) continue;
    const edit = txn.editGroup(group.id);
    if (edit) edit.memberEntityIds = edit.memberEntityIds.filter((m) => m !== entityId);
  }
  for (const id of wanted) {
    const group = txn.group(id);
    if (!group || group.memberEntityIds.includes(entityId)) continue;
    const edit = txn.editGroup(id);
    if (edit) edit.memberEntityIds = [...edit.memberEntityIds, entityId];
  }
}
