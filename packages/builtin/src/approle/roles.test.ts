import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { staticSystemView } from '@coffer/sdk';
import { assertEveryPathDocumented, assertRejectsWithCode as rejects, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { approleFactory } from './index.js';

async function mount(maxLeaseTtl = 32 * 24 * 3600): Promise<TestBackend> {
  return createTestBackend(approleFactory, {
    mountPoint: 'auth/approle/',
    mountType: 'approle',
    system: staticSystemView({ maxLeaseTtl }),
  });
}

describe('approle roles', () => {
  it('is a credential backend whose login needs no token', async () => {
    const t = await mount();
    assert.equal(t.backend.type, 'credential');
    assert.deepEqual(t.backend.specialPaths().unauthenticated, ['login']);
  });

  it('creates a role with Vault\'s defaults and reads it back in Vault\'s shape', async () => {
    const t = await mount();
    assert.deepEqual(await t.existence('role/Web'), { checkFound: true, exists: false });
    assert.equal(await t.write('role/Web', { token_policies: 'web,ops', token_ttl: '1h', token_max_ttl: '4h' }), null);
    const data = (await t.read('role/web'))?.data;
    assert.ok(data);
    assert.deepEqual(data, {
      bind_secret_id: true,
      secret_id_bound_cidrs: null,
      secret_id_num_uses: 0,
      secret_id_ttl: 0,
      local_secret_ids: false,
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 14400,
      token_no_default_policy: false,
      token_period: 0,
      token_policies: ['web', 'ops'],
      token_type: 'default',
      token_ttl: 3600,
      token_num_uses: 0,
    });
    const roleId = (await t.read('role/web/role-id'))?.data?.['role_id'];
    assert.match(String(roleId), /^[0-9a-f-]{36}$/);
    assert.deepEqual((await t.list('role/'))?.data, { keys: ['web'] });
  });

  it('updates only the fields sent, and deletes a role with its secret IDs', async () => {
    const t = await mount();
    await t.write('role/app', { secret_id_num_uses: 3, secret_id_ttl: '10m', secret_id_bound_cidrs: '10.0.0.0/8', token_policies: 'a' });
    await t.write('role/app', { token_num_uses: 7 });
    const data = (await t.read('role/app'))?.data;
    assert.equal(data?.['token_num_uses'], 7);
    assert.equal(data?.['secret_id_num_uses'], 3);
    assert.equal(data?.['secret_id_ttl'], 600);
    assert.deepEqual(data?.['secret_id_bound_cidrs'], ['10.0.0.0/8']);

    const roleId = String((await t.read('role/app/role-id'))?.data?.['role_id']);
    const sid = (await t.write('role/app/secret-id', {}))?.data;
    assert.ok(sid?.['secret_id']);
    await t.delete('role/app');
    assert.equal(await t.read('role/app'), null);
    assert.deepEqual((await t.list('role/'))?.data, { keys: [] });
    // Nothing of the role is left but the mount's HMAC key.
    const keys = [...(await t.storage.list(''))].sort();
    assert.deepEqual(keys, ['hmac_key']);
    await rejects(t.write('login', { role_id: roleId, secret_id: sid['secret_id'] }), 'invalid_request', 'invalid role or secret ID');
  });

  it('validates role settings', async () => {
    const t = await mount(3600);
    await rejects(t.write('role/r', { bind_secret_id: false }), 'invalid_request', /at least one constraint should be enabled on the role/);
    await rejects(t.write('role/r', { secret_id_num_uses: -1 }), 'invalid_request', 'secret_id_num_uses cannot be negative');
    await rejects(t.write('role/r', { secret_id_bound_cidrs: 'nonsense' }), 'invalid_request', /secret_id_bound_cidrs/);
    await rejects(t.write('role/r', { token_bound_cidrs: '300.1.1.1' }), 'invalid_request', /token_bound_cidrs/);
    await rejects(t.write('role/r', { token_ttl: 100, token_max_ttl: 50 }), 'invalid_request', "'token_ttl' cannot be greater than 'token_max_ttl'");
    await rejects(t.write('role/r', { period: 7200 }), 'invalid_request', 'period of "2h0m0s" is greater than the backend\'s maximum lease TTL of "1h0m0s"');
    await rejects(t.write('role/r', { token_type: 'sideways' }), 'invalid_request', /invalid 'token_type'/);
    assert.equal(await t.read('role/r'), null);

    // Role without a secret ID is fine when it is bound to addresses.
    assert.equal(await t.write('role/r', { bind_secret_id: false, secret_id_bound_cidrs: ['127.0.0.1/32'] }), null);
    await rejects(t.write('role/r', { local_secret_ids: true }), 'invalid_request', 'local_secret_ids can only be modified during role creation');
  });

  it('adjusts default-service/default-batch token types with a warning and warns about a too long token_max_ttl', async () => {
    const t = await mount(3600);
    const resp = await t.write('role/w', { token_type: 'default-batch', token_max_ttl: 7200 });
    assert.deepEqual(resp?.warnings, [
      'default-batch has no useful meaning; adjusting to batch',
      "token_max_ttl is greater than the backend mount's maximum TTL value; issued tokens' max TTL value will be truncated",
    ]);
    assert.equal((await t.read('role/w'))?.data?.['token_type'], 'batch');
  });

  it('keeps legacy policies and period in step with token_policies and token_period', async () => {
    const t = await mount();
    await t.write('role/old', { policies: 'Zed,alpha', period: 60 });
    const data = (await t.read('role/old'))?.data;
    assert.deepEqual(data?.['policies'], ['alpha', 'zed']);
    assert.deepEqual(data?.['token_policies'], ['alpha', 'zed']);
    assert.equal(data?.['period'], 60);
    assert.equal(data?.['token_period'], 60);
    await t.write('role/old', { token_policies: 'new', token_period: 30 });
    const after = (await t.read('role/old'))?.data;
    assert.equal('policies' in (after ?? {}), false);
    assert.equal('period' in (after ?? {}), false);
    assert.deepEqual(after?.['token_policies'], ['new']);
  });

  it('sets a custom role_id, refuses one used by another role, and rotates', async () => {
    const t = await mount();
    await t.write('role/a', { role_id: 'custom-a' });
    await t.write('role/b', {});
    assert.equal((await t.read('role/a/role-id'))?.data?.['role_id'], 'custom-a');
    await rejects(t.write('role/b', { role_id: 'custom-a' }), 'invalid_request', 'role_id already in use');
    await rejects(t.write('role/b/role-id', { role_id: 'custom-a' }), 'invalid_request', 'role_id already in use');
    await rejects(t.write('role/b/role-id', {}), 'invalid_request', 'missing role_id');
    await rejects(t.write('role/missing/role-id', { role_id: 'x' }), 'unsupported_path');
    assert.equal(await t.read('role/missing/role-id'), null);

    const sid = String((await t.write('role/a/secret-id', {}))?.data?.['secret_id']);
    assert.ok((await t.write('login', { role_id: 'custom-a', secret_id: sid }))?.auth);
    await t.write('role/a/role-id', { role_id: 'rotated-a' });
    await rejects(t.write('login', { role_id: 'custom-a', secret_id: sid }), 'invalid_request', 'invalid role or secret ID');
    assert.ok((await t.write('login', { role_id: 'rotated-a', secret_id: sid }))?.auth, 'secret IDs survive a role_id rotation');
    // The old role_id is free again.
    await t.write('role/b/role-id', { role_id: 'custom-a' });
    assert.equal((await t.read('role/b/role-id'))?.data?.['role_id'], 'custom-a');
  });

  it('offers each role setting on its own path with read, update and delete', async () => {
    const t = await mount(86400);
    await t.write('role/f', { token_policies: 'p' });
    const cases: Array<{ path: string; body: Record<string, unknown>; read: Record<string, unknown>; reset: Record<string, unknown> }> = [
      { path: 'policies', body: { token_policies: 'B,a' }, read: { token_policies: ['a', 'b'] }, reset: { token_policies: [] } },
      { path: 'secret-id-num-uses', body: { secret_id_num_uses: 4 }, read: { secret_id_num_uses: 4 }, reset: { secret_id_num_uses: 0 } },
      { path: 'secret-id-ttl', body: { secret_id_ttl: '5m' }, read: { secret_id_ttl: 300 }, reset: { secret_id_ttl: 0 } },
      { path: 'token-num-uses', body: { token_num_uses: 9 }, read: { token_num_uses: 9 }, reset: { token_num_uses: 0 } },
      { path: 'token-ttl', body: { token_ttl: 120 }, read: { token_ttl: 120 }, reset: { token_ttl: 0 } },
      { path: 'token-max-ttl', body: { token_max_ttl: 900 }, read: { token_max_ttl: 900 }, reset: { token_max_ttl: 0 } },
      { path: 'period', body: { token_period: 600 }, read: { token_period: 600 }, reset: { token_period: 0 } },
      { path: 'bind-secret-id', body: { bind_secret_id: false, }, read: { bind_secret_id: false }, reset: { bind_secret_id: true } },
      { path: 'token-bound-cidrs', body: { token_bound_cidrs: '10.0.0.0/8,127.0.0.1/32' }, read: { token_bound_cidrs: ['10.0.0.0/8', '127.0.0.1'] }, reset: { token_bound_cidrs: [] } },
      { path: 'secret-id-bound-cidrs', body: { secret_id_bound_cidrs: '192.168.0.0/16' }, read: { secret_id_bound_cidrs: ['192.168.0.0/16'] }, reset: { secret_id_bound_cidrs: null } },
    ];
    for (const c of cases) {
      // bind_secret_id=false needs another constraint on the role.
      if (c.path === 'bind-secret-id') await t.write('role/f/token-bound-cidrs', { token_bound_cidrs: '10.0.0.0/8' });
      assert.equal(await t.write(`role/f/${c.path}`, c.body), null, c.path);
      assert.deepEqual((await t.read(`role/f/${c.path}`))?.data, c.read, c.path);
      assert.equal(await t.delete(`role/f/${c.path}`), null, c.path);
      assert.deepEqual((await t.read(`role/f/${c.path}`))?.data, c.reset, `${c.path} after delete`);
      if (c.path === 'bind-secret-id') await t.delete('role/f/token-bound-cidrs');
    }
    assert.deepEqual((await t.read('role/f/local-secret-ids'))?.data, { local_secret_ids: false });

    const deprecated = await t.read('role/f/bound-cidr-list');
    assert.deepEqual(deprecated?.data, { bound_cidr_list: null });
    assert.match(String(deprecated?.warnings?.[0]), /deprecated/);
    await t.write('role/f/bound-cidr-list', { bound_cidr_list: '172.16.0.0/12' });
    assert.deepEqual((await t.read('role/f/secret-id-bound-cidrs'))?.data, { secret_id_bound_cidrs: ['172.16.0.0/12'] });

    // Legacy names on the sub-paths.
    await t.write('role/f/policies', { policies: 'x' });
    assert.deepEqual((await t.read('role/f/policies'))?.data, { token_policies: ['x'], policies: ['x'] });
    await t.write('role/f/period', { period: 30 });
    assert.deepEqual((await t.read('role/f/period'))?.data, { token_period: 30, period: 30 });
  });

  it('checks the values sent to the role setting paths', async () => {
    const t = await mount(3600);
    await t.write('role/g', { token_ttl: 100, token_max_ttl: 200 });
    for (const [path, field] of [
      ['policies', 'token_policies'],
      ['secret-id-num-uses', 'secret_id_num_uses'],
      ['secret-id-ttl', 'secret_id_ttl'],
      ['token-num-uses', 'token_num_uses'],
      ['token-ttl', 'token_ttl'],
      ['token-max-ttl', 'token_max_ttl'],
      ['period', 'period'],
      ['bind-secret-id', 'bind_secret_id'],
      ['secret-id-bound-cidrs', 'secret_id_bound_cidrs'],
      ['token-bound-cidrs', 'token_bound_cidrs'],
    ] as const) {
      await rejects(t.write(`role/g/${path}`, {}), 'invalid_request', `missing ${field}`);
    }
    await rejects(t.write('role/g/token-ttl', { token_ttl: 300 }), 'invalid_request', 'token_ttl should not be greater than token_max_ttl');
    await rejects(t.write('role/g/token-max-ttl', { token_max_ttl: 50 }), 'invalid_request', 'token_max_ttl should be greater than or equal to token_ttl');
    await rejects(t.write('role/g/secret-id-num-uses', { secret_id_num_uses: -2 }), 'invalid_request', 'secret_id_num_uses cannot be negative');
    await rejects(t.write('role/g/period', { token_period: 7200 }), 'invalid_request', /maximum lease TTL/);
    await rejects(t.write('role/g/bind-secret-id', { bind_secret_id: false }), 'invalid_request', /at least one constraint/);
    await rejects(t.write('role/nope/token-ttl', { token_ttl: 1 }), 'unsupported_path', 'role "nope" does not exist');
    assert.equal(await t.read('role/nope/token-ttl'), null);
    assert.equal(await t.delete('role/nope/token-ttl'), null);
  });

  it('describes every field and every path', async () => {
    assertEveryPathDocumented((await mount()).backend);
  });

  it('has help text on every path', async () => {
    const t = await mount();
    assert.match(await t.help(''), /approle/);
    const paths = [
      'login', 'role/', 'role/r', 'role/r/role-id', 'role/r/secret-id', 'role/r/custom-secret-id', 'role/r/secret-id/lookup',
      'role/r/secret-id/destroy', 'role/r/secret-id-accessor/lookup', 'role/r/secret-id-accessor/destroy', 'role/r/policies',
      'role/r/token-ttl', 'role/r/token-max-ttl', 'role/r/secret-id-ttl', 'role/r/secret-id-num-uses', 'role/r/bind-secret-id',
      'role/r/period', 'role/r/token-num-uses', 'role/r/secret-id-bound-cidrs', 'role/r/token-bound-cidrs', 'role/r/bound-cidr-list',
      'role/r/local-secret-ids', 'tidy/secret-id',
    ];
    for (const path of paths) assert.ok((await t.help(path)).length > 40, `help for ${path}`);
  });
});
