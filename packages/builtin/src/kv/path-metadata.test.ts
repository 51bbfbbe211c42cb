import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataOf, mountKv, rejectsWith } from './testdata/mount.js';

describe('kv version 2: metadata/', () => {
  it('reads a key\'s metadata in Vault\'s shape', async () => {
    const { t, clock } = await mountKv('2');
    await t.write('data/app', { data: { a: 1 } });
    clock.advance(2);
    await t.write('data/app', { data: { a: 2 } });
    assert.deepEqual(dataOf(await t.read('metadata/app')), {
      cas_required: false,
      created_time: '2024-01-02T03:04:05.678Z',
      current_version: 2,
      custom_metadata: null,
      delete_version_after: '0s',
      max_versions: 0,
      oldest_version: 0,
      updated_time: '2024-01-02T03:04:07.678Z',
      versions: {
        '1': { created_time: '2024-01-02T03:04:05.678Z', deletion_time: '', destroyed: false },
        '2': { created_time: '2024-01-02T03:04:07.678Z', deletion_time: '', destroyed: false },
      },
    });
    await rejectsWith(t.read('metadata/missing'), 404, []);
  });

  it('writes settings without creating a version, and shows custom_metadata on data reads', async () => {
    const { t } = await mountKv('2');
    assert.deepEqual(await t.existence('metadata/app'), { checkFound: true, exists: false });
    assert.equal(
      await t.write('metadata/app', { max_versions: 4, cas_required: true, delete_version_after: '3h25m19s', custom_metadata: { owner: 'jdoe', n: 5 } }),
      null,
    );
    const meta = dataOf(await t.read('metadata/app'));
    assert.equal(meta['current_version'], 0);
    assert.equal(meta['max_versions'], 4);
    assert.equal(meta['cas_required'], true);
    assert.equal(meta['delete_version_after'], '3h25m19s');
    assert.deepEqual(meta['custom_metadata'], { owner: 'jdoe', n: '5' });
    assert.deepEqual(meta['versions'], {});
    assert.equal(meta['created_time'], '2024-01-02T03:04:05.678Z');
    await rejectsWith(t.read('data/app'), 404, []);
    const written = dataOf(await t.write('data/app', { data: { a: 1 }, options: { cas: 0 } }));
    assert.deepEqual(written['custom_metadata'], { owner: 'jdoe', n: '5' });
    const read = dataOf(await t.read('data/app'));
    assert.deepEqual((read['metadata'] as Record<string, unknown>)['custom_metadata'], { owner: 'jdoe', n: '5' });
  });

  it('replaces custom_metadata as a whole on write; an empty map reads as null', async () => {
    const { t } = await mountKv('2');
    await t.write('metadata/app', { custom_metadata: { a: '1', b: '2' } });
    await t.write('metadata/app', { custom_metadata: { c: '3' } });
    assert.deepEqual(dataOf(await t.read('metadata/app'))['custom_metadata'], { c: '3' });
    await t.write('metadata/app', { custom_metadata: {} });
    assert.equal(dataOf(await t.read('metadata/app'))['custom_metadata'], null);
  });

  it('ignores a write that sets nothing, and refuses bad values', async () => {
    const { t } = await mountKv('2');
    assert.equal(await t.write('metadata/app', {}), null);
    await rejectsWith(t.read('metadata/app'), 404, []);
    await rejectsWith(t.write('metadata/app', { max_versions: -1 }), 400);
    await rejectsWith(t.write('metadata/app', { delete_version_after: '-5m' }), 400);
    await rejectsWith(t.write('metadata/app', { custom_metadata: { nested: { no: 'pe' } } }), 400);
    await rejectsWith(t.write('metadata/folder/', { max_versions: 1 }), 400, ["cannot write to a path ending in '/'"]);
  });

  it('enforces Vault\'s custom_metadata limits with its multi-error message', async () => {
    const { t } = await mountKv('2');
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    await rejectsWith(t.write('metadata/app', { custom_metadata: tooMany }), 400, [
      '1 error occurred:\n\t* custom_metadata validation failed: payload must contain at most 64 keys, provided 65\n\n',
    ]);
    const atLimit = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v']));
    assert.equal(await t.write('metadata/ok', { custom_metadata: atLimit }), null);

    const longKey = 'k'.repeat(129);
    await rejectsWith(t.write('metadata/app', { custom_metadata: { [longKey]: 'v', empty: '' } }), 400, [
      `2 errors occurred:\n\t* custom_metadata validation failed: length of key "${longKey}" is 129 but must be 0 < len(key) <= 128\n\t* custom_metadata validation failed: length of value for key "empty" is 0 but must be 0 < len(value) <= 512\n\n`,
    ]);
    await rejectsWith(t.write('metadata/app', { custom_metadata: { v: 'x'.repeat(513) } }), 400);
    await rejectsWith(t.write('metadata/app', { custom_metadata: { tab: 'a\tb' } }), 400);
    // Limits count bytes: 128 two-byte characters are 256 bytes.
    await rejectsWith(t.write('metadata/app', { custom_metadata: { ['é'.repeat(65)]: 'v' } }), 400);
    assert.equal(await t.write('metadata/app', { custom_metadata: { ['k'.repeat(128)]: 'v'.repeat(512), 'ünï': 'çødé ok' } }), null);
  });

  it('warns when a key turns cas_required off while the mount requires it', async () => {
    const { t } = await mountKv('2');
    await t.write('config', { cas_required: true });
    const resp = await t.write('metadata/app', { cas_required: false });
    assert.equal(resp?.warnings?.length, 1);
    assert.match(resp!.warnings![0]!, /cas_required/);
    assert.equal(dataOf(await t.read('metadata/app'))['cas_required'], false);
  });

  it('patches only what is sent and merges custom_metadata (null removes a pair)', async () => {
    const { t } = await mountKv('2');
    await rejectsWith(t.request('patch', 'metadata/missing', { max_versions: 3 }), 404, []);
    await t.write('metadata/app', { max_versions: 4, cas_required: true, custom_metadata: { a: '1', b: '2' } });
    assert.equal(await t.request('patch', 'metadata/app', { max_versions: 6, custom_metadata: { a: null, c: 3 } }), null);
    const meta = dataOf(await t.read('metadata/app'));
    assert.equal(meta['max_versions'], 6);
    assert.equal(meta['cas_required'], true);
    assert.deepEqual(meta['custom_metadata'], { b: '2', c: '3' });
    await t.request('patch', 'metadata/app', { delete_version_after: '1h', custom_metadata: { b: null, c: null } });
    const after = dataOf(await t.read('metadata/app'));
    assert.equal(after['delete_version_after'], '1h0m0s');
    assert.equal(after['custom_metadata'], null);
  });

  it('refuses a patch that would leave more than 64 custom_metadata pairs', async () => {
    const { t } = await mountKv('2');
    const full = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v']));
    await t.write('metadata/app', { custom_metadata: full });
    await rejectsWith(t.request('patch', 'metadata/app', { custom_metadata: { one: 'more' } }), 400);
    assert.equal(await t.request('patch', 'metadata/app', { custom_metadata: { k0: null, one: 'more' } }), null);
  });

  it('deletes a key with every version, data included', async () => {
    const { t, storage } = await mountKv('2');
    await t.write('data/app', { data: { a: 1 } });
    await t.write('data/app', { data: { a: 2 } });
    await t.write('data/other', { data: { b: 1 } });
    assert.equal(await t.delete('metadata/app'), null);
    await rejectsWith(t.read('metadata/app'), 404, []);
    await rejectsWith(t.read('data/app', { version: 1 }), 404, []);
    const keys = [...(await storage.list('_kv-v2/versions/'))];
    assert.equal(keys.length, 1, 'only the other key keeps version data');
    assert.equal(await t.delete('metadata/app'), null);
    // Written again, the key starts over at version 1.
    assert.equal(dataOf(await t.write('data/app', { data: { a: 3 } }))['version'], 1);
  });

  it('lists secrets and folders; an empty or missing folder is 404', async () => {
    const { t } = await mountKv('2');
    await t.write('data/foo', { data: { a: 1 } });
    await t.write('data/foo/bar', { data: { a: 1 } });
    await t.write('data/foo/baz/deep', { data: { a: 1 } });
    await t.write('metadata/meta-only', { max_versions: 2 });
    assert.deepEqual(dataOf(await t.list('metadata/')), { keys: ['foo', 'foo/', 'meta-only'] });
    assert.deepEqual(dataOf(await t.list('metadata')), { keys: ['foo', 'foo/', 'meta-only'] });
    assert.deepEqual(dataOf(await t.list('metadata/foo/')), { keys: ['bar', 'baz/'] });
    assert.deepEqual(dataOf(await t.list('metadata/foo')), { keys: ['bar', 'baz/'] });
    await rejectsWith(t.list('metadata/nothing/'), 404, []);
    await t.delete('metadata/foo/baz/deep');
    assert.deepEqual(dataOf(await t.list('metadata/foo/')), { keys: ['bar'] });
  });
});
