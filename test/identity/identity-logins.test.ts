// Logins create or find entities; entity and group policies (and templated
// policies) apply to tokens at request time; a record changed below the
// identity store's cache is seen after invalidation, as an HA standby would.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getJson, putJson } from '@coffer/sdk';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('identity at login and at request time', () => {
  let s: InProcessServer;
  let userpass: string;

  const ok = async (method: string, path: string, body?: unknown, status = 200, token?: string) => {
    const res = await s.request(method, path, body, token === undefined ? {} : { token });
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const login = async (user: string) => (await ok('POST', `auth/userpass/login/${user}`, { password: `${user}-pw` }, 200, '')).auth;
  const status = async (method: string, path: string, token: string, body?: unknown) => (await s.request(method, path, body, { token })).status;

  before(async () => {
    s = await startInProcessServer();
    await ok('POST', 'sys/auth/userpass', { type: 'userpass' }, 204);
    userpass = (await ok('GET', 'sys/auth')).data['userpass/'].accessor;
    for (const user of ['alice', 'bob', 'carol']) await ok('POST', `auth/userpass/users/${user}`, { password: `${user}-pw`, token_policies: 'default' }, 204);
    await ok('PUT', 'sys/policies/acl/team-read', { policy: 'path "secret/data/team/*" { capabilities = ["read"] }' }, 204);
    await ok('PUT', 'sys/policies/acl/own-space', { policy: 'path "secret/data/{{identity.entity.name}}/*" { capabilities = ["create", "update", "read"] }' }, 204);
    for (const path of ['team/doc', 'alice/x', 'bob/x']) await ok('POST', `secret/data/${path}`, { data: { path } });
  });
  after(async () => {
    await s.close();
  });

  it('a userpass login creates an entity and alias; the next login of the same user reuses them', async () => {
    const first = await login('alice');
    assert.match(first.entity_id, /^[0-9a-f-]{36}$/);
    const entity = await ok('GET', `identity/entity/id/${first.entity_id}`);
    assert.match(entity.data.name, /^entity_[0-9a-f]{8}$/);
    assert.equal(entity.data.aliases.length, 1);
    assert.equal(entity.data.aliases[0].name, 'alice');
    assert.equal(entity.data.aliases[0].mount_accessor, userpass);
    assert.equal(entity.data.aliases[0].mount_type, 'userpass');

    const second = await login('alice');
    assert.equal(second.entity_id, first.entity_id);
    assert.equal((await ok('LIST', 'identity/entity/id')).data.keys.length, 1);
    const self = await ok('GET', 'auth/token/lookup-self', undefined, 200, second.client_token);
    assert.equal(self.data.entity_id, first.entity_id);

    const other = await login('bob');
    assert.notEqual(other.entity_id, first.entity_id);
    assert.equal((await ok('POST', 'identity/lookup/entity', { alias_name: 'bob', alias_mount_accessor: userpass })).data.id, other.entity_id);
  });

  it('an approle login names its entity by role_id; its token renews with the entity kept', async () => {
    await ok('POST', 'sys/auth/approle', { type: 'approle' }, 204);
    const approle = (await ok('GET', 'sys/auth')).data['approle/'].accessor;
    await ok('POST', 'auth/approle/role/svc', { token_policies: 'default', token_ttl: '1h' }, 204);
    const roleId = (await ok('GET', 'auth/approle/role/svc/role-id')).data.role_id;
    const secretId = (await ok('POST', 'auth/approle/role/svc/secret-id')).data.secret_id;
    const auth = (await ok('POST', 'auth/approle/login', { role_id: roleId, secret_id: secretId }, 200, '')).auth;
    const entity = await ok('POST', 'identity/lookup/entity', { alias_name: roleId, alias_mount_accessor: approle });
    assert.equal(entity.data.id, auth.entity_id);
    const renewed = await ok('POST', 'auth/token/renew-self', {}, 200, auth.client_token);
    assert.equal(renewed.auth.entity_id, auth.entity_id);
    assert.equal((await ok('GET', 'auth/token/lookup-self', undefined, 200, auth.client_token)).data.entity_id, auth.entity_id);
  });

  it('token create with entity_alias binds the token to that alias\'s entity on auth/token/', async () => {
    await ok('POST', 'auth/token/roles/ci', { allowed_entity_aliases: ['build-*'], orphan: true }, 204);
    const first = (await ok('POST', 'auth/token/create/ci', { entity_alias: 'build-1' })).auth;
    assert.match(first.entity_id, /^[0-9a-f-]{36}$/);
    const again = (await ok('POST', 'auth/token/create/ci', { entity_alias: 'build-1' })).auth;
    assert.equal(again.entity_id, first.entity_id);
    const tokenAccessor = (await ok('GET', 'sys/auth')).data['token/'].accessor;
    assert.equal((await ok('POST', 'identity/lookup/entity', { alias_name: 'build-1', alias_mount_accessor: tokenAccessor })).data.id, first.entity_id);
    assert.equal((await s.request('POST', 'auth/token/create/ci', { entity_alias: 'deploy-1' })).status, 400);
  });

  it('a group change gives an existing token access at once, and takes it away again', async () => {
    const auth = await login('bob');
    const token = auth.client_token;
    assert.equal(await status('GET', 'secret/data/team/doc', token), 403);

    const inner = await ok('POST', 'identity/group', { name: 'readers', member_entity_ids: [auth.entity_id] });
    await ok('POST', 'identity/group', { name: 'org', policies: ['team-read'], member_group_ids: [inner.data.id] });
    // Through the nested group: readers ⊂ org, org has the policy.
    assert.equal(await status('GET', 'secret/data/team/doc', token), 200);
    const self = await ok('GET', 'auth/token/lookup-self', undefined, 200, token);
    assert.deepEqual(self.data.identity_policies, ['team-read']);
    const caps = await ok('POST', 'sys/capabilities-self', { paths: ['secret/data/team/doc'] }, 200, token);
    assert.deepEqual(caps.data.capabilities, ['read']);
    assert.deepEqual(self.data.policies, ['default'], 'the token\'s own policies are unchanged');

    // A new login shows them the way Vault's login response does.
    const again = await login('bob');
    assert.deepEqual(again.identity_policies, ['team-read']);
    assert.deepEqual(again.token_policies, ['default']);
    assert.deepEqual(again.policies, ['default', 'team-read']);

    await ok('POST', `identity/group/id/${inner.data.id}`, { member_entity_ids: [] }, 204);
    assert.equal(await status('GET', 'secret/data/team/doc', token), 403);

    // Entity policies count too; a disabled entity's tokens are refused.
    await ok('POST', `identity/entity/id/${auth.entity_id}`, { policies: ['team-read'] }, 204);
    assert.equal(await status('GET', 'secret/data/team/doc', token), 200);
    await ok('POST', `identity/entity/id/${auth.entity_id}`, { disabled: true }, 204);
    assert.equal(await status('GET', 'auth/token/lookup-self', token), 403);
    assert.equal((await s.request('POST', 'auth/userpass/login/bob', { password: 'bob-pw' }, { token: null })).status, 403);
    await ok('POST', `identity/entity/id/${auth.entity_id}`, { disabled: false, policies: [] }, 204);
    assert.equal(await status('GET', 'auth/token/lookup-self', token), 200);
    assert.equal(await status('GET', 'secret/data/team/doc', token), 403);
  });

  it('a templated policy allows the entity\'s own path and no other name', async () => {
    const alice = await login('alice');
    await ok('POST', `identity/entity/id/${alice.entity_id}`, { name: 'alice', policies: ['own-space'] }, 204);
    const token = alice.client_token;
    assert.equal(await status('GET', 'secret/data/alice/x', token), 200);
    assert.equal(await status('POST', 'secret/data/alice/new', token, { data: { a: 1 } }), 200);
    assert.equal(await status('GET', 'secret/data/bob/x', token), 403);
    // A literal "{{...}}" path is never granted.
    assert.equal(await status('GET', 'secret/data/{{identity.entity.name}}/x', token), 403);
    // Renaming the entity moves the grant with it.
    await ok('POST', `identity/entity/id/${alice.entity_id}`, { name: 'alice2' }, 204);
    assert.equal(await status('GET', 'secret/data/alice/x', token), 403);
    // sys/capabilities-self and sys/capabilities resolve the templates for the token's entity too.
    const self = await ok('POST', 'sys/capabilities-self', { paths: ['secret/data/alice2/x', 'secret/data/bob/x'] }, 200, token);
    assert.deepEqual(self.data['secret/data/alice2/x'], ['create', 'read', 'update']);
    assert.deepEqual(self.data['secret/data/bob/x'], ['deny']);
    const byToken = await ok('POST', 'sys/capabilities', { token, paths: ['secret/data/alice2/x'] });
    assert.deepEqual(byToken.data.capabilities, ['create', 'read', 'update']);
    const byAccessor = await ok('POST', 'sys/capabilities-accessor', { accessor: alice.accessor, paths: ['secret/data/alice2/x'] });
    assert.deepEqual(byAccessor.data.capabilities, ['create', 'read', 'update']);
  });

  it('templates on alias names, metadata and group names resolve; unresolvable ones match nothing', async () => {
    const carol = await login('carol');
    await ok('PUT', 'sys/policies/acl/templates', {
      policy: [
        `path "secret/data/by-alias/{{identity.entity.aliases.${userpass}.name}}" { capabilities = ["read"] }`,
        'path "secret/data/by-meta/{{identity.entity.metadata.team}}" { capabilities = ["read"] }',
        'path "secret/data/by-group/{{identity.groups.names.carol-group.id}}" { capabilities = ["read"] }',
        'path "secret/data/missing/{{identity.entity.metadata.nope}}" { capabilities = ["read"] }',
      ].join('\n'),
    }, 204);
    const group = await ok('POST', 'identity/group', { name: 'carol-group', member_entity_ids: [carol.entity_id] });
    await ok('POST', `identity/entity/id/${carol.entity_id}`, { policies: ['templates'], metadata: { team: 'blue' } }, 204);
    for (const path of ['by-alias/carol', 'by-meta/blue', `by-group/${group.data.id}`, 'by-alias/alice', 'by-meta/red', 'missing/x']) {
      await ok('POST', `secret/data/${path}`, { data: { v: 1 } });
    }
    const token = carol.client_token;
    assert.equal(await status('GET', 'secret/data/by-alias/carol', token), 200);
    assert.equal(await status('GET', 'secret/data/by-meta/blue', token), 200);
    assert.equal(await status('GET', `secret/data/by-group/${group.data.id}`, token), 200);
    assert.equal(await status('GET', 'secret/data/by-alias/alice', token), 403);
    assert.equal(await status('GET', 'secret/data/by-meta/red', token), 403);
    assert.equal(await status('GET', 'secret/data/missing/x', token), 403);
    // A token without an entity gets nothing from templated paths.
    const plain = (await ok('POST', 'auth/token/create', { policies: ['templates'] })).auth.client_token;
    assert.equal(await status('GET', 'secret/data/by-meta/blue', plain), 403);
  });

  it('a malformed template is refused when the policy is written', async () => {
    const res = await s.request('PUT', 'sys/policies/acl/broken', { policy: 'path "secret/{{identity.entity.id" { capabilities = ["read"] }' });
    assert.equal(res.status, 400);
    const res2 = await s.request('PUT', 'sys/policies/acl/broken', { policy: 'path "secret/{{env.HOME}}" { capabilities = ["read"] }' });
    assert.equal(res2.status, 400);
  });

  it('an entity changed below the cache is seen after invalidation (as on an HA standby)', async () => {
    const auth = await login('alice');
    const token = auth.client_token;
    const identityMount = (await ok('GET', 'sys/mounts')).data['identity/'];
    const storedMounts = await getJson<{ entries: Array<{ path: string; uuid: string }> }>(s.core.barrier, 'core/mounts');
    const uuid = storedMounts!.entries.find((e) => e.path === 'identity/')!.uuid;
    assert.ok(identityMount && uuid);
    const key = `logical/${uuid}/entity/${auth.entity_id}`;
    const stored = await getJson<{ policies: string[] }>(s.core.barrier, key);
    assert.ok(stored, 'the entity is stored under the identity mount');
    assert.equal(await status('GET', 'secret/data/team/doc', token), 403);
    await putJson(s.core.barrier, key, { ...stored, policies: ['team-read'] });
    assert.equal(await status('GET', 'secret/data/team/doc', token), 403, 'the cached entity still answers');
    await s.core.invalidate(key);
    assert.equal(await status('GET', 'secret/data/team/doc', token), 200);
    await s.core.barrier.delete(key);
    await s.core.invalidate(key);
    assert.equal((await s.request('GET', `identity/entity/id/${auth.entity_id}`)).status, 404);
    assert.equal(await status('GET', 'secret/data/team/doc', token), 403);
  });
});
