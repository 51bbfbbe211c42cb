import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { staticSystemView } from '@coffer/sdk';
import { createTestBackend } from '@coffer/sdk/testing/index.js';
import { kvFactory } from './factory.js';
import { dataOf, mountKv, rejectsWith } from './testdata/mount.js';

describe('kv version 1', () => {
  it('is the default when no version is given, and stores any JSON fields', async () => {
    const t = await createTestBackend(kvFactory, { config: {} });
    const body = { foo: 'bar', nested: { list: [1, 'two', null], yes: true }, n: 1.5 };
    assert.equal(await t.write('app/config', body), null);
    assert.deepEqual(dataOf(await t.read('app/config')), body);
  });

  it('overwrites on write (no versions) and reports existence for create vs update', async () => {
    const { t } = await mountKv('1');
    assert.deepEqual(await t.existence('a'), { checkFound: true, exists: false });
    await t.write('a', { one: 1 });
    assert.deepEqual(await t.existence('a'), { checkFound: true, exists: true });
    await t.write('a', { two: 2 });
    assert.deepEqual(dataOf(await t.read('a')), { two: 2 });
  });

  it('answers 404 with an empty errors list for a missing secret', async () => {
    const { t } = await mountKv('1');
    await rejectsWith(t.read('nope'), 404, []);
  });

  it('refuses a write without fields, to the mount root, or to a path ending in "/"', async () => {
    const { t } = await mountKv('1');
    await rejectsWith(t.write('empty', {}), 400, ['missing data fields']);
    await rejectsWith(t.request('update', '', { a: 1 }), 400, ['missing path']);
    await rejectsWith(t.write('folder/', { a: 1 }), 400, ["cannot write to a path ending in '/'"]);
  });

  it('refuses ".." in a path with a 400 instead of a storage failure', async () => {
    const { t } = await mountKv('1');
    await rejectsWith(t.write('a..b', { a: 1 }), 400);
    await rejectsWith(t.read('x/../y'), 400);
  });

  it('deletes, and deleting a missing secret is not an error', async () => {
    const { t } = await mountKv('1');
    await t.write('gone', { a: 1 });
    assert.equal(await t.delete('gone'), null);
    await rejectsWith(t.read('gone'), 404, []);
    assert.equal(await t.delete('never-there'), null);
  });

  it('lists folders with a trailing "/" (with or without a "/" on the request), 404 when empty', async () => {
    const { t } = await mountKv('1');
    await t.write('foo', { a: 1 });
    await t.write('foo/bar', { a: 1 });
    await t.write('foo/baz/qux', { a: 1 });
    await t.write('zed', { a: 1 });
    assert.deepEqual(dataOf(await t.list('')), { keys: ['foo', 'foo/', 'zed'] });
    assert.deepEqual(dataOf(await t.list('foo/')), { keys: ['bar', 'baz/'] });
    assert.deepEqual(dataOf(await t.list('foo')), { keys: ['bar', 'baz/'] });
    await rejectsWith(t.list('nothing/'), 404, []);
  });

  it('hands out the mount default TTL, or the secret\'s own "ttl", as a non-renewable lease hint', async () => {
    const t = await createTestBackend(kvFactory, { system: staticSystemView({ defaultLeaseTtl: 3600 }) });
    await t.write('plain', { a: 1 });
    await t.write('hinted', { a: 1, ttl: '30m' });
    await t.write('bad-hint', { a: 1, ttl: 'soon' });
    const plain = await t.read('plain');
    assert.equal(plain?.secret?.ttl, 3600);
    assert.equal(plain?.secret?.renewable, false);
    assert.equal(plain?.secret?.internalData['secret_type'], 'kv');
    assert.equal((await t.read('hinted'))?.secret?.ttl, 1800);
    assert.equal((await t.read('bad-hint'))?.secret?.ttl, 3600);
    assert.deepEqual(dataOf(await t.read('hinted')), { a: 1, ttl: '30m' });
  });

  it('makes leases renewable with leased_passthrough=true when the secret has a ttl', async () => {
    const { t } = await mountKv('1', { config: { leased_passthrough: 'true' } });
    await t.write('leased', { a: 1, lease: 60 });
    const resp = await t.read('leased');
    assert.equal(resp?.secret?.renewable, true);
    assert.equal(resp?.secret?.ttl, 60);
    const renewed = await t.renew(resp!.secret!);
    assert.equal(renewed?.secret?.ttl, 60);
    assert.equal(await t.revoke(resp!.secret!), null);
    await t.delete('leased');
    await rejectsWith(t.renew(resp!.secret!), 400);
  });

  it('refuses an unknown version option', async () => {
    await rejectsWith(createTestBackend(kvFactory, { config: { version: '3' } }), 400);
  });

  it('has help for the mount and the path', async () => {
    const { t } = await mountKv('1');
    assert.match(await t.help(''), /K\/V version 1/);
    assert.match(await t.help('some/secret'), /A write stores the request body/);
  });
});
