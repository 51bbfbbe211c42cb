import { KeyedMutex, getJson, isTransactional, type Logger, type Storage, type TxnOp } from '@coffer/sdk';
import type { Entity, EntityAlias, Group, GroupAlias, MountInfo } from './types.js';

/** Where records live inside the identity mount's storage. */
export const ENTITY_PREFIX = 'entity/';
export const GROUP_PREFIX = 'group/';

export interface IdentityStoreDeps {
  /** The identity mount's storage (resolved at load, once the mount table exists). */
  storage: () => Storage;
  /** The mount with this accessor, or undefined (aliases name their auth mount by accessor). */
  mountByAccessor: (accessor: string) => MountInfo | undefined;
  logger: Logger;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** The server's address (api_addr, else its first listener): identity tokens' issuer until one is configured. */
  serverAddress?: string;
}

/** Names of entities, groups and aliases are matched without regard to case, as in Vault. */
export const nameKey = (name: string): string => name.toLowerCase();
const factorsKey = (accessor: string, name: string): string => `${accessor}\u0000${nameKey(name)}`;

/**
 * The staged changes of one write: edits are made on copies and become
 * visible (memory and storage) only when the whole write commits, so a
 * refused request leaves nothing half-done.
 */
export class IdentityTxn {
  readonly entities = new Map<string, Entity | null>();
  readonly groups = new Map<string, Group | null>();

  constructor(private readonly store: IdentityStore) {}

  /** The entity as this write sees it (its staged copy if it was edited). */
  entity(id: string): Entity | undefined {
    if (this.entities.has(id)) return this.entities.get(id) ?? undefined;
    return this.store.entity(id);
  }

  group(id: string): Group | undefined {
    if (this.groups.has(id)) return this.groups.get(id) ?? undefined;
    return this.store.group(id);
  }

  /** A copy of the entity to change; written when the write commits. */
  editEntity(id: string): Entity | undefined {
    const staged = this.entities.get(id);
    if (staged) return staged;
    if (this.entities.has(id)) return undefined;
    const current = this.store.entity(id);
    if (!current) return undefined;
    const copy = structuredClone(current);
    this.entities.set(id, copy);
    return copy;
  }

  editGroup(id: string): Group | undefined {
    const staged = this.groups.get(id);
    if (staged) return staged;
    if (this.groups.has(id)) return undefined;
    const current = this.store.group(id);
    if (!current) return undefined;
    const copy = structuredClone(current);
    this.groups.set(id, copy);
    return copy;
  }

  putEntity(entity: Entity): void {
    this.entities.set(entity.id, entity);
  }

  putGroup(group: Group): void {
    this.groups.set(group.id, group);
  }

  deleteEntity(id: string): void {
    this.entities.set(id, null);
  }

  deleteGroup(id: string): void {
    this.groups.set(id, null);
  }
}

/**
 * Entities, groups and their aliases, all held in memory with indexes by
 * name and by alias (as Vault's memdb), persisted one JSON document per
 * entity and per group. Writes run one at a time; a change made below the
 * store (another node) reaches it through invalidate(key).
 */
export class IdentityStore {
  private readonly entitiesById = new Map<string, Entity>();
  private readonly groupsById = new Map<string, Group>();
  private readonly entityByName = new Map<string, string>();
  /** Entity alias id → entity id. */
  private readonly entityByAliasId = new Map<string, string>();
  /** accessor + alias name → entity alias id. */
  private readonly aliasByFactors = new Map<string, string>();
  private readonly groupByName = new Map<string, string>();
  private readonly groupByAliasId = new Map<string, string>();
  private readonly groupByAliasFactors = new Map<string, string>();
  /** Entity id → ids of the groups that list it as a member. */
  private readonly groupsByMember = new Map<string, Set<string>>();
  /** Group id → ids of the groups that list it as a member group. */
  private readonly parentsByGroup = new Map<string, Set<string>>();
  private readonly writes = new KeyedMutex();
  private loaded = false;
  readonly now: () => number;

  constructor(private readonly deps: IdentityStoreDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Bumped when login MFA settings change (written here, or below the cache
   * by another node): the login path caches the enforcements by this number
   * instead of listing them on every login.
   */
  mfaVersion = 0;

  noteMfaChange(): void {
    this.mfaVersion++;
  }

  /** See IdentityStoreDeps.serverAddress. */
  get serverAddress(): string | undefined {
    return this.deps.serverAddress;
  }

  mount(accessor: string): MountInfo | undefined {
    return this.deps.mountByAccessor(accessor);
  }

  /** Read every record into memory (at unseal, after the mount table is loaded). */
  async load(): Promise<void> {
    this.noteMfaChange();
    await this.writes.run('identity', async () => {
      this.clear();
      const storage = this.deps.storage();
      for (const id of await storage.list(ENTITY_PREFIX)) {
        const entity = await getJson<Entity>(storage, ENTITY_PREFIX + id);
        if (entity) this.indexEntity(entity);
      }
      for (const id of await storage.list(GROUP_PREFIX)) {
        const group = await getJson<Group>(storage, GROUP_PREFIX + id);
        if (group) this.indexGroup(group);
      }
      this.loaded = true;
    });
  }

  /** Forget everything (seal). */
  clear(): void {
    for (const map of [this.entitiesById, this.groupsById, this.entityByName, this.entityByAliasId, this.aliasByFactors, this.groupByName, this.groupByAliasId, this.groupByAliasFactors, this.groupsByMember, this.parentsByGroup]) {
      map.clear();
    }
    this.loaded = false;
  }

  /**
   * A record changed below the store (`key` inside the identity mount's
   * storage): re-read it, or drop it if it is gone.
   */
  async invalidate(key: string): Promise<void> {
    if (key.startsWith('mfa/')) this.noteMfaChange();
    if (!this.loaded) return;
    await this.writes.run('identity', async () => {
      const storage = this.deps.storage();
      if (key.startsWith(ENTITY_PREFIX)) {
        const id = key.slice(ENTITY_PREFIX.length);
        const old = this.entitiesById.get(id);
        if (old) this.unindexEntity(old);
        const fresh = await getJson<Entity>(storage, key);
        if (fresh) this.indexEntity(fresh);
      } else if (key.startsWith(GROUP_PREFIX)) {
        const id = key.slice(GROUP_PREFIX.length);
        const old = this.groupsById.get(id);
        if (old) this.unindexGroup(old);
        const fresh = await getJson<Group>(storage, key);
        if (fresh) this.indexGroup(fresh);
      }
    });
  }

  // ---- reads (from memory; callers must not change what they get) ----------

  entity(id: string): Entity | undefined {
    return this.entitiesById.get(id);
  }

  entityNamed(name: string): Entity | undefined {
    const id = this.entityByName.get(nameKey(name));
    return id === undefined ? undefined : this.entitiesById.get(id);
  }

  entities(): Entity[] {
    return [...this.entitiesById.values()];
  }

  /** The entity alias with this id and its entity. */
  alias(aliasId: string): { entity: Entity; alias: EntityAlias } | undefined {
    const entity = this.entitiesById.get(this.entityByAliasId.get(aliasId) ?? '');
    const alias = entity?.aliases.find((a) => a.id === aliasId);
    return entity && alias ? { entity, alias } : undefined;
  }

  aliasByName(accessor: string, name: string): { entity: Entity; alias: EntityAlias } | undefined {
    const aliasId = this.aliasByFactors.get(factorsKey(accessor, name));
    return aliasId === undefined ? undefined : this.alias(aliasId);
  }

  group(id: string): Group | undefined {
    return this.groupsById.get(id);
  }

  groupNamed(name: string): Group | undefined {
    const id = this.groupByName.get(nameKey(name));
    return id === undefined ? undefined : this.groupsById.get(id);
  }

  groups(): Group[] {
    return [...this.groupsById.values()];
  }

  groupAlias(aliasId: string): { group: Group; alias: GroupAlias } | undefined {
    const group = this.groupsById.get(this.groupByAliasId.get(aliasId) ?? '');
    return group?.alias && group.alias.id === aliasId ? { group, alias: group.alias } : undefined;
  }

  groupAliasByName(accessor: string, name: string): { group: Group; alias: GroupAlias } | undefined {
    const group = this.groupsById.get(this.groupByAliasFactors.get(factorsKey(accessor, name)) ?? '');
    return group?.alias ? { group, alias: group.alias } : undefined;
  }

  /** Ids of the groups that list this group as a member. */
  parentGroupIds(groupId: string): string[] {
    return [...(this.parentsByGroup.get(groupId) ?? [])].sort();
  }

  /** Groups whose member list holds the entity (internal) or that hold it through a login (external). */
  directGroupsOf(entityId: string): Group[] {
    return [...(this.groupsByMember.get(entityId) ?? [])].map((id) => this.groupsById.get(id)!).filter(Boolean);
  }

  /** The groups an entity is in through its direct groups being members of other groups, transitively. */
  inheritedGroupsOf(entityId: string): Group[] {
    const direct = new Set([...(this.groupsByMember.get(entityId) ?? [])]);
    const seen = new Set<string>(direct);
    const out: Group[] = [];
    const queue = [...direct];
    while (queue.length > 0) {
      const id = queue.shift()!;
      for (const parent of this.parentsByGroup.get(id) ?? []) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        const group = this.groupsById.get(parent);
        if (group) out.push(group);
        queue.push(parent);
      }
    }
    return out;
  }

  /** Whether `targetId` can be reached from `groupId` by following member groups (so making `groupId` a member of `targetId` would close a cycle). */
  reaches(groupId: string, targetId: string, txn?: IdentityTxn): boolean {
    const seen = new Set<string>();
    const stack = [groupId];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (id === targetId) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      const group = txn ? txn.group(id) : this.groupsById.get(id);
      stack.push(...(group?.memberGroupIds ?? []));
    }
    return false;
  }

  // ---- writes --------------------------------------------------------------

  /**
   * Run one write: `change` stages edits on a transaction (and may throw to
   * refuse the request, leaving nothing changed); they are then stored in
   * one storage transaction where the storage offers one, and indexed.
   */
  write<T>(change: (txn: IdentityTxn) => T | Promise<T>): Promise<T> {
    return this.writes.run('identity', async () => {
      const txn = new IdentityTxn(this);
      const result = await change(txn);
      await this.commit(txn);
      return result;
    });
  }

  private async commit(txn: IdentityTxn): Promise<void> {
    const now = this.now();
    const ops: TxnOp[] = [];
    for (const [id, entity] of txn.entities) {
      if (entity) {
        entity.lastUpdateTime = now;
        ops.push({ op: 'put', entry: { key: ENTITY_PREFIX + id, value: Buffer.from(JSON.stringify(entity)) } });
      } else if (this.entitiesById.has(id)) {
        ops.push({ op: 'delete', key: ENTITY_PREFIX + id });
      }
    }
    for (const [id, group] of txn.groups) {
      if (group) {
        group.lastUpdateTime = now;
        group.modifyIndex += 1;
        ops.push({ op: 'put', entry: { key: GROUP_PREFIX + id, value: Buffer.from(JSON.stringify(group)) } });
      } else if (this.groupsById.has(id)) {
        ops.push({ op: 'delete', key: GROUP_PREFIX + id });
      }
    }
    if (ops.length === 0) return;
    const storage = this.deps.storage();
    if (ops.length > 1 && isTransactional(storage)) {
      await storage.transaction(ops);
    } else {
      for (const op of ops) {
        if (op.op === 'put') await storage.put(op.entry);
        else await storage.delete(op.key);
      }
    }
    for (const [id, entity] of txn.entities) {
      const old = this.entitiesById.get(id);
      if (old) this.unindexEntity(old);
      if (entity) this.indexEntity(entity);
    }
    for (const [id, group] of txn.groups) {
      const old = this.groupsById.get(id);
      if (old) this.unindexGroup(old);
      if (group) this.indexGroup(group);
    }
  }

  // ---- indexes -------------------------------------------------------------

  private indexEntity(entity: Entity): void {
    this.entitiesById.set(entity.id, entity);
    this.entityByName.set(nameKey(entity.name), entity.id);
    for (const alias of entity.aliases) {
      this.entityByAliasId.set(alias.id, entity.id);
      this.aliasByFactors.set(factorsKey(alias.mountAccessor, alias.name), alias.id);
    }
  }

  private unindexEntity(entity: Entity): void {
    this.entitiesById.delete(entity.id);
    if (this.entityByName.get(nameKey(entity.name)) === entity.id) this.entityByName.delete(nameKey(entity.name));
    for (const alias of entity.aliases) {
      if (this.entityByAliasId.get(alias.id) === entity.id) this.entityByAliasId.delete(alias.id);
      const key = factorsKey(alias.mountAccessor, alias.name);
      if (this.aliasByFactors.get(key) === alias.id) this.aliasByFactors.delete(key);
    }
  }

  private indexGroup(group: Group): void {
    this.groupsById.set(group.id, group);
    this.groupByName.set(nameKey(group.name), group.id);
    if (group.alias) {
      this.groupByAliasId.set(group.alias.id, group.id);
      this.groupByAliasFactors.set(factorsKey(group.alias.mountAccessor, group.alias.name), group.id);
    }
    for (const member of group.memberEntityIds) addTo(this.groupsByMember, member, group.id);
    for (const child of group.memberGroupIds) addTo(this.parentsByGroup, child, group.id);
  }

  private unindexGroup(group: Group): void {
    this.groupsById.delete(group.id);
    if (this.groupByName.get(nameKey(group.name)) === group.id) this.groupByName.delete(nameKey(group.name));
    if (group.alias) {
      if (this.groupByAliasId.get(group.alias.id) === group.id) this.groupByAliasId.delete(group.alias.id);
      const key = factorsKey(group.alias.mountAccessor, group.alias.name);
      if (this.groupByAliasFactors.get(key) === group.id) this.groupByAliasFactors.delete(key);
    }
    for (const member of group.memberEntityIds) removeFrom(this.groupsByMember, member, group.id);
    for (const child of group.memberGroupIds) removeFrom(this.parentsByGroup, child, group.id);
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
