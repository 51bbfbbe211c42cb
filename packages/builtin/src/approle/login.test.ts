import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectKeys, staticSystemView, type BackendFactory, type Request } from '@coffer/sdk';
import { assertRejectsWithCode as rejects, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { createApproleBackend } from './index.js';

/** A mount whose clock the test moves by hand. */
async function mount(opts: { maxLeaseTtl?: number } = {}): Promise<{ t: TestBackend; clock: { now: number } }> {
  const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
  const factory: BackendFactory = (conf) => createApproleBackend(conf, { now: () => clock.now });
  const t = await createTestBackend(factory, {
    mountPoint: 'auth/approle/',
    mountType: 'approle',
    system: staticSystemView({ maxLeaseTtl: opts.maxLeaseTtl ?? 32 * 24 * 3600 }),
  });
  return { t, clock };
}

const from = (remoteAddress: string): Partial<Request> => ({ connection: { remoteAddress }, unauthenticated: true });

async function roleIdOf(t: TestBackend, role: string): Promise<string> {
  return String((await t.read(`role/${role}/role-id`))?.data?.['role_id']);
}

async function newSecretId(t: TestBackend, role: string, body: Record<string, unknown> = {}): Promise<{ secretId: string; accessor: string; data: Record<string, unknown> }> {
  const data = (await t.write(`role/${role}/secret-id`, body))!.data!;
  return { secretId: String(data['secret_id']), accessor: String(data['secret_id_accessor']), data };
}

async function storageText(t: TestBackend): Promise<string> {
  let text = '';
  for (const key of await collectKeys(t.storage)) text += `${key}=${(await t.storage.get(key))!.value.toString('utf8')}\n`;
  return text;
}

describe('approle secret IDs', () => {
  it('generates secret IDs, lists their accessors and looks them up', async () => {
    const { t, clock } = await mount();
    await t.write('role/svc', { secret_id_num_uses: 5, secret_id_ttl: 3600 });
    const first = await newSecretId(t, 'svc', { metadata: '{"team":"blue"}', cidr_list: '10.0.0.0/8', token_bound_cidrs: '10.1.0.0/16' });
    assert.match(first.secretId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(first.data).sort(), ['secret_id', 'secret_id_accessor', 'secret_id_num_uses', 'secret_id_ttl']);
    assert.equal(first.data['secret_id_ttl'], 3600);
    assert.equal(first.data['secret_id_num_uses'], 5);
    const second = await newSecretId(t, 'svc', { num_uses: 2, ttl: 60 });
    assert.equal(second.data['secret_id_num_uses'], 2);
    assert.equal(second.data['secret_id_ttl'], 60);

    const keys = (await t.list('role/svc/secret-id'))?.data?.['keys'] as string[];
    assert.deepEqual([...keys].sort(), [first.accessor, second.accessor].sort());

    const looked = (await t.write('role/svc/secret-id/lookup', { secret_id: first.secretId }))?.data;
    assert.deepEqual(looked, {
      secret_id_accessor: first.accessor,
      secret_id_num_uses: 5,
      secret_id_ttl: 3600,
      creation_time: new Date(clock.now).toISOString(),
      expiration_time: new Date(clock.now + 3600_000).toISOString(),
      last_updated_time: new Date(clock.now).toISOString(),
      metadata: { team: 'blue' },
      cidr_list: ['10.0.0.0/8'],
      token_bound_cidrs: ['10.1.0.0/16'],
    });
    const byAccessor = (await t.write('role/svc/secret-id-accessor/lookup', { secret_id_accessor: second.accessor }))?.data;
    assert.equal(byAccessor?.['secret_id_num_uses'], 2);
    assert.equal(await t.write('role/svc/secret-id/lookup', { secret_id: 'not-a-secret-id' }), null);
  });

  it('never stores a secret ID in clear', async () => {
    const { t } = await mount();
    await t.write('role/svc', {});
    const generated = await newSecretId(t, 'svc');
    await t.write('role/svc/custom-secret-id', { secret_id: 'my-very-own-secret-id' });
    const text = await storageText(t);
    assert.equal(text.includes(generated.secretId), false);
    assert.equal(text.includes('my-very-own-secret-id'), false);
    assert.ok(text.includes(generated.accessor), 'the accessor is not a credential and is kept');
  });

  it('registers custom secret IDs once', async () => {
    const { t } = await mount();
    await t.write('role/svc', {});
    const resp = (await t.write('role/svc/custom-secret-id', { secret_id: 'custom-1', metadata: 'env=prod, tier=web' }))?.data;
    assert.equal(resp?.['secret_id'], 'custom-1');
    await rejects(t.write('role/svc/custom-secret-id', { secret_id: 'custom-1' }), 'invalid_request', 'SecretID is already registered');
    await rejects(t.write('role/svc/custom-secret-id', {}), 'invalid_request', 'missing secret_id');
    const auth = (await t.write('login', { role_id: await roleIdOf(t, 'svc'), secret_id: 'custom-1' }))?.auth;
    assert.deepEqual(auth?.metadata, { env: 'prod', tier: 'web', role_name: 'svc' });
  });

  it('accepts metadata as JSON, base64 JSON or key=value pairs, and refuses anything else', async () => {
    const { t } = await mount();
    await t.write('role/svc', {});
    const lookup = async (metadata: string): Promise<unknown> => {
      const { secretId } = await newSecretId(t, 'svc', { metadata });
      return (await t.write('role/svc/secret-id/lookup', { secret_id: secretId }))?.data?.['metadata'];
    };
    assert.deepEqual(await lookup('{"a":"1"}'), { a: '1' });
    assert.deepEqual(await lookup(Buffer.from('{"b":"2"}').toString('base64')), { b: '2' });
    assert.deepEqual(await lookup('c=3,d=4'), { c: '3', d: '4' });
    await rejects(newSecretId(t, 'svc', { metadata: 'no pairs here' }), 'invalid_request', /failed to parse metadata/);
    await rejects(newSecretId(t, 'svc', { metadata: '{"n":1}' }), 'invalid_request', /must be a string/);
  });

  it('keeps num_uses and ttl within the role\'s limits and cidr_list within its CIDRs', async () => {
    const { t } = await mount({ maxLeaseTtl: 7200 });
    await t.write('role/lim', { secret_id_num_uses: 3, secret_id_ttl: 600, secret_id_bound_cidrs: '10.0.0.0/8', token_bound_cidrs: '10.0.0.0/16' });
    await rejects(newSecretId(t, 'lim', { num_uses: 4 }), 'invalid_request', "num_uses cannot be higher than the role's secret_id_num_uses");
    await rejects(newSecretId(t, 'lim', { num_uses: 0 }), 'invalid_request', "num_uses cannot be higher than the role's secret_id_num_uses");
    await rejects(newSecretId(t, 'lim', { num_uses: -1 }), 'invalid_request', 'num_uses cannot be negative');
    await rejects(newSecretId(t, 'lim', { ttl: 601 }), 'invalid_request', "ttl cannot be longer than the role's secret_id_ttl");
    await rejects(newSecretId(t, 'lim', { cidr_list: '192.168.0.0/16' }), 'invalid_request', /subset/);
    await rejects(newSecretId(t, 'lim', { cidr_list: '10.0.0.0/7' }), 'invalid_request', /subset/);
    await rejects(newSecretId(t, 'lim', { token_bound_cidrs: '10.2.0.0/16' }), 'invalid_request', /subset/);
    await rejects(newSecretId(t, 'lim', { cidr_list: 'garbage' }), 'invalid_request', /cidr_list/);
    assert.equal((await newSecretId(t, 'lim', { num_uses: 2, ttl: 60, cidr_list: '10.5.0.0/16' })).data['secret_id_num_uses'], 2);

    // A TTL above the mount's max lease TTL is capped to it.
    await t.write('role/long', { secret_id_ttl: 86400 });
    assert.equal((await newSecretId(t, 'long')).data['secret_id_ttl'], 7200);
  });

  it('refuses secret IDs for unknown roles and roles without bind_secret_id', async () => {
    const { t } = await mount();
    await rejects(newSecretId(t, 'ghost'), 'unsupported_path', 'role "ghost" does not exist');
    await rejects(t.list('role/ghost/secret-id'), 'invalid_request', 'role "ghost" does not exist');
    await t.write('role/open', { bind_secret_id: false, secret_id_bound_cidrs: '127.0.0.0/8' });
    await rejects(newSecretId(t, 'open'), 'invalid_request', 'bind_secret_id is not set on the role');
  });

  it('destroys secret IDs by value and by accessor', async () => {
    const { t } = await mount();
    await t.write('role/svc', {});
    await t.write('role/other', {});
    const roleId = await roleIdOf(t, 'svc');
    const a = await newSecretId(t, 'svc');
    const b = await newSecretId(t, 'svc');
    const c = await newSecretId(t, 'svc');

    assert.equal(await t.write('role/svc/secret-id/destroy', { secret_id: a.secretId }), null);
    await rejects(t.write('login', { role_id: roleId, secret_id: a.secretId }), 'invalid_request', 'invalid role or secret ID');
    assert.equal(await t.delete('role/svc/secret-id/destroy', { secret_id: b.secretId }), null);
    assert.equal(await t.write('role/svc/secret-id/destroy', { secret_id: b.secretId }), null, 'destroying twice is fine');

    // An accessor only works through its own role.
    await rejects(
      t.write('role/other/secret-id-accessor/lookup', { secret_id_accessor: c.accessor }),
      'not_found',
      `failed to find accessor entry for secret_id_accessor: "${c.accessor}"`,
    );
    await rejects(t.write('role/other/secret-id-accessor/destroy', { secret_id_accessor: c.accessor }), 'not_found');
    assert.equal(await t.delete('role/svc/secret-id-accessor/destroy', { secret_id_accessor: c.accessor }), null);
    await rejects(t.write('login', { role_id: roleId, secret_id: c.secretId }), 'invalid_request', 'invalid role or secret ID');
    await rejects(t.write('role/svc/secret-id-accessor/lookup', { secret_id_accessor: c.accessor }), 'not_found');
    await rejects(t.write('role/svc/secret-id-accessor/lookup', {}), 'invalid_request', 'missing secret_id_accessor');
    await rejects(t.write('role/svc/secret-id/lookup', {}), 'invalid_request', 'missing secret_id');
    await rejects(t.write('role/ghost/secret-id/lookup', { secret_id: 'x' }), 'invalid_request', 'role "ghost" does not exist');

    assert.deepEqual((await t.list('role/svc/secret-id'))?.data, { keys: [] });
    // Only the HMAC key and the two roles (with their role_id index) are left.
    assert.deepEqual((await collectKeys(t.storage)).filter((k) => k.startsWith('secret_id') || k.startsWith('accessor')), []);
  });
});

describe('approle login', () => {
  it('returns an Auth carrying the role\'s token settings, the secret ID metadata and the role name', async () => {
    const { t } = await mount();
    await t.write('role/Deploy', {
      token_policies: 'deploy',
      token_ttl: 300,
      token_max_ttl: 900,
      token_num_uses: 10,
      token_period: 0,
      token_bound_cidrs: '10.0.0.0/8',
    });
    const roleId = await roleIdOf(t, 'deploy');
    const { secretId } = await newSecretId(t, 'deploy', { metadata: '{"build":"42"}', token_bound_cidrs: '10.9.0.0/16' });
    const auth = (await t.write('login', { role_id: roleId, secret_id: secretId }, from('10.1.2.3')))?.auth;
    assert.ok(auth);
    assert.deepEqual(auth.metadata, { build: '42', role_name: 'deploy' });
    assert.deepEqual(auth.alias, { name: roleId, metadata: { build: '42', role_name: 'deploy' } });
    assert.deepEqual(auth.internalData, { role_name: 'deploy' });
    assert.deepEqual(auth.policies, ['deploy']);
    assert.equal(auth.ttl, 300);
    assert.equal(auth.maxTtl, 900);
    assert.equal(auth.numUses, 10);
    assert.equal(auth.renewable, true);
    assert.deepEqual(auth.boundCidrs, ['10.9.0.0/16'], 'the secret ID\'s token_bound_cidrs override the role\'s');

    const second = await newSecretId(t, 'deploy');
    const auth2 = (await t.write('login', { role_id: ` ${roleId} `, secret_id: ` ${second.secretId} ` }))?.auth;
    assert.deepEqual(auth2?.boundCidrs, ['10.0.0.0/8'], 'surrounding spaces are ignored; the role\'s token_bound_cidrs apply');
  });

  it('fails every bad credential with the same message', async () => {
    const { t } = await mount();
    await t.write('role/a', {});
    await t.write('role/b', {});
    const roleA = await roleIdOf(t, 'a');
    const { secretId: secretB } = await newSecretId(t, 'b');
    await rejects(t.write('login', {}), 'invalid_request', 'missing role_id');
    await rejects(t.write('login', { role_id: roleA }), 'invalid_request', 'missing secret_id');
    await rejects(t.write('login', { role_id: 'no-such-role-id', secret_id: secretB }), 'invalid_request', 'invalid role or secret ID');
    await rejects(t.write('login', { role_id: roleA, secret_id: 'wrong' }), 'invalid_request', 'invalid role or secret ID');
    await rejects(t.write('login', { role_id: roleA, secret_id: secretB }), 'invalid_request', 'invalid role or secret ID');
  });

  it('logs in with a role ID alone when bind_secret_id is off, from the role\'s CIDRs only', async () => {
    const { t } = await mount();
    await t.write('role/open', { bind_secret_id: false, secret_id_bound_cidrs: '192.168.1.0/24' });
    const roleId = await roleIdOf(t, 'open');
    const auth = (await t.write('login', { role_id: roleId }, from('192.168.1.20')))?.auth;
    assert.deepEqual(auth?.metadata, { role_name: 'open' });
    await rejects(
      t.write('login', { role_id: roleId }, from('192.168.2.20')),
      'invalid_request',
      'source address "192.168.2.20" unauthorized by CIDR restrictions on the role',
    );
    await rejects(t.write('login', { role_id: roleId }), 'invalid_request', 'failed to get connection information');
  });

  it('checks the secret ID\'s cidr_list without spending a use from a refused address', async () => {
    const { t } = await mount();
    await t.write('role/net', {});
    const roleId = await roleIdOf(t, 'net');
    const { secretId } = await newSecretId(t, 'net', { cidr_list: '127.0.0.1/32', num_uses: 1 });
    await rejects(
      t.write('login', { role_id: roleId, secret_id: secretId }, from('127.0.0.2')),
      'invalid_request',
      'source address "127.0.0.2" unauthorized through CIDR restrictions on the secret ID',
    );
    assert.ok((await t.write('login', { role_id: roleId, secret_id: secretId }, from('::ffff:127.0.0.1')))?.auth);
    await rejects(t.write('login', { role_id: roleId, secret_id: secretId }, from('127.0.0.1')), 'invalid_request', 'invalid role or secret ID');
  });

  it('counts down num_uses and deletes the secret ID at zero', async () => {
    const { t } = await mount();
    await t.write('role/n', {});
    const roleId = await roleIdOf(t, 'n');
    const { secretId, accessor } = await newSecretId(t, 'n', { num_uses: 3 });
    assert.ok((await t.write('login', { role_id: roleId, secret_id: secretId }))?.auth);
    const after1 = (await t.write('role/n/secret-id-accessor/lookup', { secret_id_accessor: accessor }))?.data;
    assert.equal(after1?.['secret_id_num_uses'], 2);
    assert.ok((await t.write('login', { role_id: roleId, secret_id: secretId }))?.auth);
    assert.ok((await t.write('login', { role_id: roleId, secret_id: secretId }))?.auth);
    await rejects(t.write('login', { role_id: roleId, secret_id: secretId }), 'invalid_request', 'invalid role or secret ID');
    assert.deepEqual((await t.list('role/n/secret-id'))?.data, { keys: [] });
    await rejects(t.write('role/n/secret-id-accessor/lookup', { secret_id_accessor: accessor }), 'not_found');
  });

  it('lets exactly one of many concurrent logins use a single-use secret ID', async () => {
    const { t } = await mount();
    await t.write('role/once', {});
    const roleId = await roleIdOf(t, 'once');
    const { secretId } = await newSecretId(t, 'once', { num_uses: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => t.write('login', { role_id: roleId, secret_id: secretId })),
    );
    const succeeded = results.filter((r) => r.status === 'fulfilled');
    assert.equal(succeeded.length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.equal((r.reason as Error).message, 'invalid role or secret ID');
    }
  });

  it('rejects and removes an expired secret ID', async () => {
    const { t, clock } = await mount();
    await t.write('role/ttl', { secret_id_ttl: 60 });
    const roleId = await roleIdOf(t, 'ttl');
    const { secretId } = await newSecretId(t, 'ttl');
    const { secretId: other } = await newSecretId(t, 'ttl');
    clock.now += 59_000;
    assert.ok((await t.write('login', { role_id: roleId, secret_id: secretId }))?.auth);
    clock.now += 2_000;
    await rejects(t.write('login', { role_id: roleId, secret_id: secretId }), 'invalid_request', 'invalid role or secret ID');
    assert.equal(await t.write('role/ttl/secret-id/lookup', { secret_id: other }), null, 'an expired secret ID is not reported');
    assert.deepEqual((await t.list('role/ttl/secret-id'))?.data, { keys: [] });
    assert.deepEqual((await collectKeys(t.storage)).filter((k) => k.startsWith('secret_id') || k.startsWith('accessor')), []);
  });

  it('tidies expired secret IDs and dangling accessors', async () => {
    const { t, clock } = await mount();
    await t.write('role/tidy', {});
    await newSecretId(t, 'tidy', { ttl: 30 });
    await newSecretId(t, 'tidy', { ttl: 30 });
    const keep = await newSecretId(t, 'tidy');
    const dangling = await newSecretId(t, 'tidy');
    // Remove a secret ID entry behind the backend's back, leaving its accessor dangling.
    const entries = (await collectKeys(t.storage)).filter((k) => k.startsWith('secret_id/'));
    for (const key of entries) {
      const entry = JSON.parse((await t.storage.get(key))!.value.toString('utf8')) as { secret_id_accessor: string };
      if (entry.secret_id_accessor === dangling.accessor) await t.storage.delete(key);
    }
    clock.now += 31_000;

    const resp = await t.write('tidy/secret-id', {});
    assert.equal(resp?.statusCode, 202);
    assert.match(String(resp?.warnings?.[0]), /Tidy operation successfully started/);
    // The periodic function shares (or starts) the tidy run; once it returns, tidy is done.
    await t.request('rollback', '', {});

    const left = (await collectKeys(t.storage)).filter((k) => k.startsWith('secret_id/') || k.startsWith('accessor/'));
    assert.equal(left.length, 2, 'one secret ID and its accessor remain');
    assert.deepEqual((await t.list('role/tidy/secret-id'))?.data, { keys: [keep.accessor] });
  });

  it('renews with the role\'s current TTLs and refuses once the role is deleted', async () => {
    const { t } = await mount();
    await t.write('role/r', { token_ttl: 60, token_max_ttl: 600 });
    const roleId = await roleIdOf(t, 'r');
    const { secretId } = await newSecretId(t, 'r');
    const auth = (await t.write('login', { role_id: roleId, secret_id: secretId }))!.auth!;
    await t.write('role/r', { token_ttl: 120, token_period: 30 });
    const renewed = await t.renewAuth(auth, 10);
    assert.equal(renewed?.auth?.ttl, 120);
    assert.equal(renewed?.auth?.maxTtl, 600);
    assert.equal(renewed?.auth?.period, 30);
    await t.delete('role/r');
    await rejects(t.renewAuth(auth), 'invalid_request', 'role "r" does not exist during renewal');
  });

  it('answers alias lookahead and role resolution', async () => {
    const { t } = await mount();
    await t.write('role/res', { role_id: 'res-id' });
    assert.deepEqual((await t.request('alias-lookahead', 'login', { role_id: 'res-id' }))?.auth?.alias, { name: 'res-id' });
    assert.deepEqual((await t.request('resolve-role', 'login', { role_id: 'res-id' }))?.data, { role: 'res' });
    await rejects(t.request('resolve-role', 'login', { role_id: 'nope' }), 'invalid_request', 'invalid role or secret ID');
  });

  it('keeps local secret IDs under the local prefixes', async () => {
    const { t } = await mount();
    await t.write('role/loc', { local_secret_ids: true });
    assert.deepEqual((await t.read('role/loc/local-secret-ids'))?.data, { local_secret_ids: true });
    const { secretId, accessor } = await newSecretId(t, 'loc');
    const keys = await collectKeys(t.storage);
    assert.ok(keys.some((k) => k.startsWith('secret_id_local/')));
    assert.ok(keys.some((k) => k.startsWith('accessor_local/')));
    assert.deepEqual(t.backend.specialPaths().localStorage, ['secret_id_local/', 'accessor_local/']);
    assert.ok((await t.write('login', { role_id: await roleIdOf(t, 'loc'), secret_id: secretId }))?.auth);
    assert.deepEqual((await t.list('role/loc/secret-id'))?.data, { keys: [accessor] });
  });
});
