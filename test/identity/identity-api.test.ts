import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('identity/ store API over HTTP', () => {
  let s: InProcessServer;
  let userpass: string;
  let approle: string;

  const ok = async (method: string, path: string, body?: unknown, status = 200) => {
    const res = await s.request(method, path, body);
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const refused = async (method: string, path: string, body: unknown, message: RegExp) => {
    const res = await s.request(method, path, body);
    assert.equal(res.status, 400, `${method} ${path}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.errors.join(' '), message);
  };

  before(async () => {
    s = await startInProcessServer();
    await ok('POST', 'sys/auth/userpass', { type: 'userpass' }, 204);
    await ok('POST', 'sys/auth/approle', { type: 'approle' }, 204);
    const auths = await ok('GET', 'sys/auth');
    userpass = auths.data['userpass/'].accessor;
    approle = auths.data['approle/'].accessor;
  });
  after(async () => {
    await s.close();
  });

  it('is mounted at identity/ with type identity, and cannot be disabled or moved', async () => {
    const mounts = await ok('GET', 'sys/mounts');
    assert.equal(mounts.data['identity/'].type, 'identity');
    assert.equal((await s.request('DELETE', 'sys/mounts/identity')).status, 400);
    assert.equal((await s.request('POST', 'sys/remount', { from: 'identity', to: 'elsewhere' })).status, 400);
    assert.equal((await s.request('POST', 'sys/mounts/identity2', { type: 'identity' })).status, 400);
  });

  it('creates, reads, updates, lists and deletes entities by id and by name', async () => {
    const created = await ok('POST', 'identity/entity', { name: 'alice', metadata: { team: 'ops' }, policies: ['ops', 'Dev'] });
    assert.equal(created.data.name, 'alice');
    assert.match(created.data.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.data.aliases, null);
    const id = created.data.id;

    const read = await ok('GET', `identity/entity/id/${id}`);
    assert.equal(read.data.name, 'alice');
    assert.deepEqual(read.data.metadata, { team: 'ops' });
    assert.deepEqual(read.data.policies, ['ops', 'dev']);
    assert.equal(read.data.disabled, false);
    assert.deepEqual(read.data.aliases, []);
    assert.deepEqual(read.data.group_ids, []);
    assert.match(read.data.creation_time, /^\d{4}-\d\d-\d\dT/);

    // A write naming an existing entity updates it and answers 204.
    await ok('POST', 'identity/entity', { name: 'alice', metadata: ['team=dev', 'site=a'] }, 204);
    assert.deepEqual((await ok('GET', 'identity/entity/name/ALICE')).data.metadata, { team: 'dev', site: 'a' });
    await ok('POST', `identity/entity/id/${id}`, { disabled: true }, 204);
    assert.equal((await ok('GET', `identity/entity/id/${id}`)).data.disabled, true);

    // entity/name/:name creates when missing.
    const bob = await ok('POST', 'identity/entity/name/bob', { policies: 'p1,p2' });
    assert.equal(bob.data.name, 'bob');

    // A generated name, as Vault's: entity_ and 8 hex digits.
    const anon = await ok('POST', 'identity/entity', {});
    assert.match(anon.data.name, /^entity_[0-9a-f]{8}$/);

    const byId = await ok('LIST', 'identity/entity/id');
    assert.ok(byId.data.keys.includes(id));
    assert.equal(byId.data.key_info[id].name, 'alice');
    const byName = await ok('LIST', 'identity/entity/name');
    assert.ok(byName.data.keys.includes('alice') && byName.data.keys.includes('bob'));
    assert.equal(byName.data.key_info.bob.id, bob.data.id);

    await ok('DELETE', 'identity/entity/name/bob', undefined, 204);
    assert.equal((await s.request('GET', `identity/entity/id/${bob.data.id}`)).status, 404);
    await ok('DELETE', `identity/entity/id/${anon.data.id}`, undefined, 204);
    await ok('DELETE', `identity/entity/id/${id}`, undefined, 204);
    assert.equal((await s.request('GET', 'identity/entity/name/alice')).status, 404);
  });

  it('refuses bad entity input with 400 and changes nothing', async () => {
    const a = await ok('POST', 'identity/entity', { name: 'taken' });
    const b = await ok('POST', 'identity/entity', { name: 'other' });
    await refused('POST', 'identity/entity', { id: 'no-such-id' }, /entity not found from id/);
    await refused('POST', `identity/entity/id/${b.data.id}`, { name: 'taken' }, /entity name is already in use/);
    await refused('POST', 'identity/entity', { name: 'r', policies: ['root'] }, /policies cannot contain root/);
    await refused('POST', 'identity/entity', { name: 'bad-meta', metadata: 'not-a-pair' }, /metadata/);
    assert.equal((await s.request('GET', 'identity/entity/name/r')).status, 404);
    assert.equal((await ok('GET', `identity/entity/id/${b.data.id}`)).data.name, 'other');
    await refused('POST', 'identity/entity/batch-delete', { entity_ids: [] }, /missing entity ids to delete/);
    await ok('POST', 'identity/entity/batch-delete', { entity_ids: [a.data.id, b.data.id, 'unknown'] }, 204);
    assert.equal((await s.request('GET', `identity/entity/id/${a.data.id}`)).status, 404);
    assert.equal((await s.request('GET', `identity/entity/id/${b.data.id}`)).status, 404);
  });

  it('entity aliases: one per mount per entity, unique name per mount, read, list, move, delete', async () => {
    const e1 = (await ok('POST', 'identity/entity', { name: 'carol' })).data.id;
    const e2 = (await ok('POST', 'identity/entity', { name: 'dave' })).data.id;
    const a1 = await ok('POST', 'identity/entity-alias', { name: 'carol', mount_accessor: userpass, canonical_id: e1 });
    assert.equal(a1.data.canonical_id, e1);
    const aliasId = a1.data.id;

    const read = await ok('GET', `identity/entity-alias/id/${aliasId}`);
    assert.equal(read.data.name, 'carol');
    assert.equal(read.data.mount_accessor, userpass);
    assert.equal(read.data.mount_type, 'userpass');
    assert.equal(read.data.mount_path, 'auth/userpass/');
    const entity = await ok('GET', `identity/entity/id/${e1}`);
    assert.equal(entity.data.aliases[0].id, aliasId);

    await refused('POST', 'identity/entity-alias', { name: 'carol2', mount_accessor: userpass, canonical_id: e1 }, /Alias already exists for requested entity and mount accessor/);
    await refused('POST', 'identity/entity-alias', { name: 'x', mount_accessor: 'auth_nope_123' }, /invalid mount accessor/);
    await refused('POST', 'identity/entity-alias', { name: 'x' }, /'id' or 'mount_accessor' and 'name' must be provided/);
    await refused('POST', 'identity/entity-alias', { name: 'x', mount_accessor: userpass, canonical_id: 'nope' }, /invalid canonical ID/);

    const a2 = await ok('POST', 'identity/entity-alias', { name: 'dave', mount_accessor: userpass, canonical_id: e2 });
    // Renaming an alias to a name+mount another alias has is refused.
    await refused('POST', `identity/entity-alias/id/${a2.data.id}`, { name: 'carol' }, /alias with combination of mount accessor and name already exists/);
    // Moving dave's approle alias to carol.
    const a3 = await ok('POST', 'identity/entity-alias', { name: 'role-id-1', mount_accessor: approle, canonical_id: e2 });
    const moved = await ok('POST', `identity/entity-alias/id/${a3.data.id}`, { canonical_id: e1 });
    assert.equal(moved.data.canonical_id, e1);
    assert.equal((await ok('GET', `identity/entity/id/${e1}`)).data.aliases.length, 2);
    assert.equal((await ok('GET', `identity/entity/id/${e2}`)).data.aliases.length, 1);

    const list = await ok('LIST', 'identity/entity-alias/id');
    assert.ok(list.data.keys.includes(aliasId));
    assert.equal(list.data.key_info[aliasId].canonical_id, e1);
    assert.equal(list.data.key_info[aliasId].mount_type, 'userpass');

    await ok('DELETE', `identity/entity-alias/id/${aliasId}`, undefined, 204);
    assert.equal((await s.request('GET', `identity/entity-alias/id/${aliasId}`)).status, 404);
    assert.equal((await ok('GET', `identity/entity/id/${e1}`)).data.aliases.length, 1);
    await ok('POST', 'identity/entity/batch-delete', { entity_ids: [e1, e2] }, 204);
    // Deleting an entity deletes its aliases.
    assert.equal((await s.request('GET', `identity/entity-alias/id/${a2.data.id}`)).status, 404);
  });

  it('groups: internal members, nesting, cycles refused, by id and by name', async () => {
    const e = (await ok('POST', 'identity/entity', { name: 'erin' })).data.id;
    const inner = await ok('POST', 'identity/group', { name: 'inner', policies: ['inner-p'], member_entity_ids: [e], metadata: { k: 'v' } });
    assert.equal(inner.data.name, 'inner');
    const outer = await ok('POST', 'identity/group/name/outer', { policies: 'outer-p', member_group_ids: [inner.data.id] });
    const read = await ok('GET', `identity/group/id/${inner.data.id}`);
    assert.equal(read.data.type, 'internal');
    assert.deepEqual(read.data.member_entity_ids, [e]);
    assert.deepEqual(read.data.parent_group_ids, [outer.data.id]);
    assert.deepEqual(read.data.metadata, { k: 'v' });
    assert.deepEqual(read.data.alias, {});
    const readOuter = await ok('GET', 'identity/group/name/outer');
    assert.deepEqual(readOuter.data.member_group_ids, [inner.data.id]);

    const entity = await ok('GET', `identity/entity/id/${e}`);
    assert.deepEqual(entity.data.direct_group_ids, [inner.data.id]);
    assert.deepEqual(entity.data.inherited_group_ids, [outer.data.id]);

    // outer ⊃ inner; inner ⊃ outer would be a cycle, and so would a group in itself.
    await refused('POST', `identity/group/id/${inner.data.id}`, { member_group_ids: [outer.data.id] }, /cyclic relationship detected/);
    await refused('POST', `identity/group/id/${inner.data.id}`, { member_group_ids: [inner.data.id] }, /same as the ID of the group/);
    assert.deepEqual((await ok('GET', `identity/group/id/${inner.data.id}`)).data.member_group_ids, []);
    await refused('POST', 'identity/group', { name: 'g', member_entity_ids: ['nope'] }, /invalid entity ID/);
    await refused('POST', 'identity/group', { name: 'g', member_group_ids: ['nope'] }, /invalid member group ID/);
    await refused('POST', 'identity/group', { name: 'g', type: 'weird' }, /invalid group type/);
    await refused('POST', `identity/group/id/${inner.data.id}`, { type: 'external' }, /group type cannot be changed/);
    await refused('POST', 'identity/group', { name: 'ext', type: 'external', member_entity_ids: [e] }, /can't be set manually for external groups/);
    await refused('POST', `identity/group/id/${outer.data.id}`, { name: 'inner' }, /group name is already in use/);
    assert.equal((await s.request('GET', 'identity/group/name/g')).status, 404);

    const byId = await ok('LIST', 'identity/group/id');
    assert.equal(byId.data.key_info[inner.data.id].num_member_entities, 1);
    assert.equal(byId.data.key_info[inner.data.id].num_parent_groups, 1);
    const byName = await ok('LIST', 'identity/group/name');
    assert.deepEqual(byName.data.keys.filter((k: string) => k === 'inner' || k === 'outer'), ['inner', 'outer']);

    await ok('DELETE', `identity/group/id/${inner.data.id}`, undefined, 204);
    assert.deepEqual((await ok('GET', 'identity/group/name/outer')).data.member_group_ids, []);
    await ok('DELETE', 'identity/group/name/outer', undefined, 204);
    assert.equal((await s.request('GET', `identity/group/id/${outer.data.id}`)).status, 404);
    await ok('DELETE', `identity/entity/id/${e}`, undefined, 204);
  });

  it('group aliases bind external groups to a mount', async () => {
    const ext = await ok('POST', 'identity/group', { name: 'admins-ext', type: 'external', policies: ['admin'] });
    const alias = await ok('POST', 'identity/group-alias', { name: 'admins', mount_accessor: userpass, canonical_id: ext.data.id });
    assert.equal(alias.data.canonical_id, ext.data.id);
    const read = await ok('GET', `identity/group-alias/id/${alias.data.id}`);
    assert.equal(read.data.name, 'admins');
    assert.equal(read.data.mount_type, 'userpass');
    assert.equal((await ok('GET', `identity/group/id/${ext.data.id}`)).data.alias.id, alias.data.id);

    const internal = await ok('POST', 'identity/group', { name: 'plain' });
    await refused('POST', 'identity/group-alias', { name: 'x', mount_accessor: userpass, canonical_id: internal.data.id }, /alias can't be set on an internal group/);
    await refused('POST', 'identity/group-alias', { name: 'admins', mount_accessor: userpass }, /combination of mount and group alias name is already in use/);
    await refused('POST', 'identity/group-alias', { mount_accessor: userpass }, /missing alias name/);
    await refused('POST', 'identity/group-alias', { name: 'y', mount_accessor: 'nope' }, /invalid mount accessor/);

    // Without canonical_id a new external group is made for the alias.
    const fresh = await ok('POST', 'identity/group-alias', { name: 'devs', mount_accessor: userpass });
    const freshGroup = await ok('GET', `identity/group/id/${fresh.data.canonical_id}`);
    assert.equal(freshGroup.data.type, 'external');
    assert.equal(freshGroup.data.alias.name, 'devs');

    const list = await ok('LIST', 'identity/group-alias/id');
    assert.deepEqual([...list.data.keys].sort(), [alias.data.id, fresh.data.id].sort());
    await ok('DELETE', `identity/group-alias/id/${fresh.data.id}`, undefined, 204);
    assert.deepEqual((await ok('GET', `identity/group/id/${fresh.data.canonical_id}`)).data.alias, {});
  });

  it('lookup/entity and lookup/group by id, name, alias id and alias name', async () => {
    const e = (await ok('POST', 'identity/entity', { name: 'frank' })).data.id;
    const a = (await ok('POST', 'identity/entity-alias', { name: 'frank', mount_accessor: userpass, canonical_id: e })).data.id;
    for (const query of [{ id: e }, { name: 'frank' }, { alias_id: a }, { alias_name: 'frank', alias_mount_accessor: userpass }]) {
      const found = await ok('POST', 'identity/lookup/entity', query);
      assert.equal(found.data.id, e, JSON.stringify(query));
      assert.equal(found.data.aliases[0].id, a);
    }
    await ok('POST', 'identity/lookup/entity', { name: 'nobody' }, 204);
    await refused('POST', 'identity/lookup/entity', {}, /query parameter not supplied/);
    await refused('POST', 'identity/lookup/entity', { id: e, name: 'frank' }, /query parameter conflict/);
    await refused('POST', 'identity/lookup/entity', { alias_name: 'frank' }, /both 'alias_name' and 'alias_mount_accessor' needs to be set/);

    const g = await ok('POST', 'identity/group', { name: 'lookup-ext', type: 'external' });
    const ga = (await ok('POST', 'identity/group-alias', { name: 'lk', mount_accessor: approle, canonical_id: g.data.id })).data.id;
    for (const query of [{ id: g.data.id }, { name: 'lookup-ext' }, { alias_id: ga }, { alias_name: 'lk', alias_mount_accessor: approle }]) {
      assert.equal((await ok('POST', 'identity/lookup/group', query)).data.id, g.data.id, JSON.stringify(query));
    }
    await ok('POST', 'identity/lookup/group', { name: 'none' }, 204);
  });

  it('merge moves aliases and memberships and deletes the merged entities', async () => {
    const to = (await ok('POST', 'identity/entity', { name: 'merge-to' })).data.id;
    const from = (await ok('POST', 'identity/entity', { name: 'merge-from' })).data.id;
    const toAlias = (await ok('POST', 'identity/entity-alias', { name: 'mt', mount_accessor: userpass, canonical_id: to })).data.id;
    const fromAlias = (await ok('POST', 'identity/entity-alias', { name: 'mf', mount_accessor: approle, canonical_id: from })).data.id;
    const group = (await ok('POST', 'identity/group', { name: 'merge-group', member_entity_ids: [from] })).data.id;

    await refused('POST', 'identity/entity/merge', { from_entity_ids: [to], to_entity_id: to }, /to_entity_id should not be present in from_entity_ids/);
    await refused('POST', 'identity/entity/merge', { from_entity_ids: ['nope'], to_entity_id: to }, /entity id to merge from is invalid/);
    await refused('POST', 'identity/entity/merge', { from_entity_ids: [from], to_entity_id: 'nope' }, /entity id to merge to is invalid/);
    await refused('POST', 'identity/entity/merge', { to_entity_id: to }, /missing entity ids to merge from/);

    await ok('POST', 'identity/entity/merge', { from_entity_ids: [from], to_entity_id: to }, 204);
    assert.equal((await s.request('GET', `identity/entity/id/${from}`)).status, 404);
    const merged = await ok('GET', `identity/entity/id/${to}`);
    assert.deepEqual(merged.data.merged_entity_ids, [from]);
    assert.deepEqual(merged.data.aliases.map((a: { id: string }) => a.id).sort(), [toAlias, fromAlias].sort());
    const moved = merged.data.aliases.find((a: { id: string }) => a.id === fromAlias);
    assert.equal(moved.canonical_id, to);
    assert.deepEqual(moved.merged_from_canonical_ids, [from]);
    assert.deepEqual((await ok('GET', `identity/group/id/${group}`)).data.member_entity_ids, [to]);
    assert.equal((await ok('POST', 'identity/lookup/entity', { alias_id: fromAlias })).data.id, to);

    // Two aliases on one mount clash unless the one to keep is named.
    const clash = (await ok('POST', 'identity/entity', { name: 'clash' })).data.id;
    const clashAlias = (await ok('POST', 'identity/entity-alias', { name: 'other-user', mount_accessor: userpass, canonical_id: clash })).data.id;
    await refused('POST', 'identity/entity/merge', { from_entity_ids: [clash], to_entity_id: to }, /same mount accessor/);
    assert.equal((await ok('GET', `identity/entity/id/${clash}`)).data.aliases.length, 1);
    await ok('POST', 'identity/entity/merge', { from_entity_ids: [clash], to_entity_id: to, conflicting_alias_ids_to_keep: [clashAlias] }, 204);
    const after = await ok('GET', `identity/entity/id/${to}`);
    assert.deepEqual(after.data.aliases.map((a: { id: string }) => a.id).sort(), [clashAlias, fromAlias].sort());
    assert.equal((await s.request('GET', `identity/entity-alias/id/${toAlias}`)).status, 404);
  });
});
