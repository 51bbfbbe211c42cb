import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackendFactory, InmemStorage } from '@coffer/sdk';
import { assertEveryPathDocumented, assertRejectsWithCode as rejects, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { createUserpassBackend, userpassFactory } from './index.js';

/** Cheap scrypt parameters: the tests exercise behaviour, not hashing cost. */
const fast: BackendFactory = (conf) => createUserpassBackend(conf, { hashParams: { n: 2 ** 10, r: 8, p: 1, keyLength: 32 } });

async function mount(): Promise<TestBackend> {
  return createTestBackend(fast, { mountPoint: 'auth/userpass/', mountType: 'userpass' });
}


async function dumpStorage(storage: InmemStorage): Promise<string> {
  const keys: string[] = [];
  const walk = async (prefix: string): Promise<void> => {
    for (const child of await storage.list(prefix)) {
      if (child.endsWith('/')) await walk(prefix + child);
      else keys.push(prefix + child);
    }
  };
  await walk('');
  let text = '';
  for (const key of keys) text += `${key}=${(await storage.get(key))!.value.toString('utf8')}\n`;
  return text;
}

describe('userpass users', () => {
  it('is a credential backend with an unauthenticated login path', async () => {
    const t = await mount();
    assert.equal(t.backend.type, 'credential');
    assert.deepEqual(t.backend.specialPaths().unauthenticated, ['login/*']);
  });

  it('creates, reads, lists, updates and deletes users; reads never return the password', async () => {
    const t = await mount();
    assert.deepEqual(await t.existence('users/Alice'), { checkFound: true, exists: false });
    await t.write('users/Alice', { password: 's3cret-pw', token_policies: 'dev, ops', token_ttl: '1h', token_max_ttl: '2h' });
    assert.deepEqual(await t.existence('users/alice'), { checkFound: true, exists: true });

    const read = await t.read('users/ALICE');
    assert.deepEqual(read?.data, {
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 7200,
      token_no_default_policy: false,
      token_period: 0,
      token_policies: ['dev', 'ops'],
      token_type: 'default',
      token_ttl: 3600,
      token_num_uses: 0,
    });
    assert.equal(JSON.stringify(read).includes('s3cret-pw'), false);
    assert.equal('password' in (read?.data ?? {}), false);

    await t.write('users/bob', { password: 'x' });
    assert.deepEqual((await t.list('users/'))?.data, { keys: ['alice', 'bob'] });

    await t.write('users/alice', { token_num_uses: 3, token_type: 'service' });
    const updated = (await t.read('users/alice'))?.data;
    assert.equal(updated?.['token_num_uses'], 3);
    assert.equal(updated?.['token_type'], 'service');
    assert.deepEqual(updated?.['token_policies'], ['dev', 'ops'], 'a partial update keeps the other fields');

    await t.delete('users/alice');
    assert.equal(await t.read('users/alice'), null);
    assert.deepEqual((await t.list('users/'))?.data, { keys: ['bob'] });
  });

  it('requires a password on create with Vault\'s message', async () => {
    const t = await mount();
    await rejects(t.write('users/carol', { token_policies: 'a' }), 'invalid_request', 'missing password');
    await rejects(t.write('users/carol', { password: '' }), 'invalid_request', 'missing password');
    assert.equal(await t.read('users/carol'), null);
  });

  it('validates the token fields', async () => {
    const t = await mount();
    await rejects(t.write('users/u', { password: 'p', token_ttl: 100, token_max_ttl: 10 }), 'invalid_request', "'token_ttl' cannot be greater than 'token_max_ttl'");
    await rejects(t.write('users/u', { password: 'p', token_type: 'weird' }), 'invalid_request', /invalid 'token_type' value "weird"/);
    await rejects(t.write('users/u', { password: 'p', token_type: 'batch', token_period: 60 }), 'invalid_request', /periodic tokens/);
    await rejects(t.write('users/u', { password: 'p', token_num_uses: -1 }), 'invalid_request', "'token_num_uses' cannot be negative");
    await rejects(t.write('users/u', { password: 'p', token_bound_cidrs: 'not-a-cidr' }), 'invalid_request', /token_bound_cidrs/);
    await rejects(t.write('users/u', { password: 'p', token_ttl: 'soon' }), 'invalid_request', /token_ttl/);
  });

  it('reports legacy fields only when they were written by their deprecated names', async () => {
    const t = await mount();
    await t.write('users/legacy', { password: 'p', policies: 'B,a', ttl: 60, max_ttl: 120, bound_cidrs: '10.0.0.0/8' });
    const data = (await t.read('users/legacy'))?.data;
    assert.deepEqual(data?.['token_policies'], ['a', 'b']);
    assert.deepEqual(data?.['policies'], ['a', 'b']);
    assert.equal(data?.['token_ttl'], 60);
    assert.equal(data?.['ttl'], 60);
    assert.equal(data?.['max_ttl'], 120);
    assert.deepEqual(data?.['bound_cidrs'], ['10.0.0.0/8']);
    assert.deepEqual(data?.['token_bound_cidrs'], ['10.0.0.0/8']);

    // Writing the new name alone clears the legacy one.
    await t.write('users/legacy', { token_policies: 'c' });
    const after = (await t.read('users/legacy'))?.data;
    assert.deepEqual(after?.['token_policies'], ['c']);
    assert.equal('policies' in (after ?? {}), false);
  });

  it('changes a password and policies through the sub-paths', async () => {
    const t = await mount();
    await t.write('users/dave', { password: 'old-pw', token_policies: 'a' });
    await t.write('users/dave/password', { password: 'new-pw' });
    await rejects(t.write('login/dave', { password: 'old-pw' }), 'invalid_request', 'invalid username or password');
    assert.ok((await t.write('login/dave', { password: 'new-pw' }))?.auth);

    await t.write('users/dave/policies', { token_policies: 'X, y' });
    assert.deepEqual((await t.read('users/dave'))?.data?.['token_policies'], ['x', 'y']);
    await t.write('users/dave/policies', { policies: 'z' });
    const data = (await t.read('users/dave'))?.data;
    assert.deepEqual(data?.['token_policies'], ['z']);
    assert.deepEqual(data?.['policies'], ['z']);

    await rejects(t.write('users/dave/password', { password: '' }), 'invalid_request', 'missing password');
    await rejects(t.write('users/nobody/password', { password: 'p' }), 'invalid_request', 'username does not exist');
    await rejects(t.write('users/nobody/policies', { token_policies: 'p' }), 'invalid_request', 'username does not exist');
  });

  it('refuses names that are not generic names', async () => {
    const t = await mount();
    await rejects(t.write('users/-bad', { password: 'p' }), 'unsupported_path');
    await rejects(t.write('users/bad.', { password: 'p' }), 'unsupported_path');
  });

  it('describes every field and every path', async () => {
    assertEveryPathDocumented((await mount()).backend);
  });

  it('has help text on every path', async () => {
    const t = await mount();
    assert.match(await t.help(''), /userpass/);
    for (const path of ['users/', 'users/a', 'users/a/password', 'users/a/policies', 'login/a']) {
      assert.ok((await t.help(path)).length > 40, `help for ${path}`);
    }
  });
});

describe('userpass login', () => {
  it('returns an Auth with the user\'s token settings, metadata, display name and alias', async () => {
    const t = await mount();
    await t.write('users/Erin', {
      password: 'pw-erin',
      token_policies: 'dev,ops',
      token_ttl: 600,
      token_max_ttl: 1200,
      token_num_uses: 5,
      token_no_default_policy: true,
      token_explicit_max_ttl: 3000,
      token_bound_cidrs: '127.0.0.1/32,10.0.0.0/8',
    });
    const resp = await t.write('login/ERIN', { password: 'pw-erin' }, { connection: { remoteAddress: '127.0.0.1' }, unauthenticated: true });
    const auth = resp?.auth;
    assert.ok(auth);
    assert.deepEqual(auth.metadata, { username: 'erin' });
    assert.equal(auth.displayName, 'erin');
    assert.deepEqual(auth.alias, { name: 'erin' });
    assert.deepEqual(auth.policies, ['dev', 'ops']);
    assert.equal(auth.ttl, 600);
    assert.equal(auth.maxTtl, 1200);
    assert.equal(auth.numUses, 5);
    assert.equal(auth.noDefaultPolicy, true);
    assert.equal(auth.explicitMaxTtl, 3000);
    assert.equal(auth.renewable, true);
    assert.equal(auth.tokenType, 'default');
    assert.deepEqual(auth.boundCidrs, ['127.0.0.1', '10.0.0.0/8']);
  });

  it('fails a wrong password and an unknown user the same way', async () => {
    const t = await mount();
    await t.write('users/frank', { password: 'right' });
    await rejects(t.write('login/frank', { password: 'wrong' }), 'invalid_request', 'invalid username or password');
    await rejects(t.write('login/ghost', { password: 'whatever' }), 'invalid_request', 'invalid username or password');
    await rejects(t.write('login/frank', {}), 'invalid_request', 'missing password');
  });

  it('checks token_bound_cidrs against the client address', async () => {
    const t = await mount();
    await t.write('users/gina', { password: 'pw', token_bound_cidrs: ['192.168.0.0/16'] });
    assert.ok((await t.write('login/gina', { password: 'pw' }, { connection: { remoteAddress: '192.168.4.2' } }))?.auth);
    assert.ok((await t.write('login/gina', { password: 'pw' }, { connection: { remoteAddress: '::ffff:192.168.4.2' } }))?.auth);
    await rejects(t.write('login/gina', { password: 'pw' }, { connection: { remoteAddress: '10.1.1.1' } }), 'permission_denied');
    await rejects(t.write('login/gina', { password: 'pw' }), 'permission_denied');
  });

  it('answers alias lookahead with the lower-cased user name', async () => {
    const t = await mount();
    const resp = await t.request('alias-lookahead', 'login/Hank', {});
    assert.deepEqual(resp?.auth?.alias, { name: 'hank' });
  });

  it('renews with the user\'s current TTLs, and refuses after the user is deleted or its policies change', async () => {
    const t = await mount();
    await t.write('users/ivy', { password: 'pw', token_policies: 'a', token_ttl: 100, token_max_ttl: 1000 });
    const auth = (await t.write('login/ivy', { password: 'pw' }))!.auth!;
    // The core adds "default" to the token; that must not count as a change.
    const issued = { ...auth, policies: ['a', 'default'], tokenPolicies: ['a', 'default'] };

    await t.write('users/ivy', { token_ttl: 200, token_max_ttl: 2000, token_period: 50 });
    const renewed = await t.renewAuth(issued, 30);
    assert.equal(renewed?.auth?.ttl, 200);
    assert.equal(renewed?.auth?.maxTtl, 2000);
    assert.equal(renewed?.auth?.period, 50);
    assert.deepEqual(renewed?.auth?.metadata, { username: 'ivy' });

    await t.write('users/ivy/policies', { token_policies: 'b' });
    await rejects(t.renewAuth(issued), 'invalid_request', 'policies have changed, not renewing');

    await t.delete('users/ivy');
    await rejects(t.renewAuth(issued), 'invalid_request', /no longer exists/);
  });

  it('keeps only scrypt hashes in storage, never the password', async () => {
    const t = await mount();
    await t.write('users/jo', { password: 'correct horse battery staple' });
    await t.write('users/jo/password', { password: 'another-Passw0rd' });
    const dump = await dumpStorage(t.storage);
    assert.equal(dump.includes('correct horse battery staple'), false);
    assert.equal(dump.includes('another-Passw0rd'), false);
    assert.match(dump, /"algorithm":"scrypt"/);
    assert.ok((await t.write('login/jo', { password: 'another-Passw0rd' }))?.auth);
  });

  it('works with the default (production-cost) factory', async () => {
    const t = await createTestBackend(userpassFactory, { mountPoint: 'auth/userpass/' });
    await t.write('users/kim', { password: 'pw' });
    const dump = await dumpStorage(t.storage);
    assert.match(dump, /"n":32768/);
    assert.ok((await t.write('login/kim', { password: 'pw' }))?.auth);
    await rejects(t.write('login/kim', { password: 'nope' }), 'invalid_request', 'invalid username or password');
  });
});
