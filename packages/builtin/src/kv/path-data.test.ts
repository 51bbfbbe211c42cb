import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataOf, mountKv, rejectsWith } from './testdata/mount.js';

describe('kv version 2: data/', () => {
  it('writes versions and answers with the version metadata', async () => {
    const { t, clock } = await mountKv('2');
    const first = dataOf(await t.write('data/app', { data: { a: 1 } }));
    assert.deepEqual(first, {
      created_time: '2024-01-02T03:04:05.678Z',
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: 1,
    });
    clock.advance(1);
    const second = dataOf(await t.write('data/app', { data: { a: 2 } }));
    assert.equal(second['version'], 2);
    assert.equal(second['created_time'], '2024-01-02T03:04:06.678Z');
  });

  it('reads the current version, or the one asked for with ?version=', async () => {
    const { t } = await mountKv('2');
    await t.write('data/app', { data: { a: 1 } });
    await t.write('data/app', { data: { a: 2, nested: { b: [1, 2] } } });
    const current = dataOf(await t.read('data/app'));
    assert.deepEqual(current['data'], { a: 2, nested: { b: [1, 2] } });
    assert.equal((current['metadata'] as Record<string, unknown>)['version'], 2);
    const old = dataOf(await t.read('data/app', { version: '1' }));
    assert.deepEqual(old['data'], { a: 1 });
    assert.equal((old['metadata'] as Record<string, unknown>)['version'], 1);
    assert.deepEqual(dataOf(await t.read('data/app', { version: 0 }))['data'], { a: 2, nested: { b: [1, 2] } });
  });

  it('answers 404 (empty errors) for a missing key or version, 400 for a bad version', async () => {
    const { t } = await mountKv('2');
    await rejectsWith(t.read('data/missing'), 404, []);
    await t.write('data/app', { data: { a: 1 } });
    await rejectsWith(t.read('data/app', { version: 7 }), 404, []);
    await rejectsWith(t.read('data/app', { version: 'seven' }), 400);
  });

  it('uses create for a new key and update for an existing one (existence check)', async () => {
    const { t } = await mountKv('2');
    assert.deepEqual(await t.existence('data/app'), { checkFound: true, exists: false });
    await t.write('data/app', { data: { a: 1 } });
    assert.deepEqual(await t.existence('data/app'), { checkFound: true, exists: true });
  });

  it('refuses a write without data, or to a folder path', async () => {
    const { t } = await mountKv('2');
    await rejectsWith(t.write('data/app', { options: { cas: 0 } }), 400, ['no data provided']);
    await rejectsWith(t.write('data/app', { data: 'not an object' }), 400);
    await rejectsWith(t.write('data/folder/', { data: { a: 1 } }), 400, ["cannot write to a path ending in '/'"]);
    await rejectsWith(t.request('patch', 'data/folder/', { data: { a: 1 } }), 400, ["cannot write to a path ending in '/'"]);
  });

  it('allows names that storage keys could not hold ("..", "%", dots)', async () => {
    const { t } = await mountKv('2');
    for (const name of ['a..b', '100%/x', 'dir.d/file.txt']) {
      await t.write(`data/${name}`, { data: { name } });
      assert.deepEqual(dataOf(await t.read(`data/${name}`))['data'], { name });
    }
    assert.deepEqual(dataOf(await t.list('metadata/'))['keys'], ['100%/', 'a..b', 'dir.d/']);
  });

  describe('check-and-set', () => {
    it('cas 0 writes only a new key; cas N only over version N', async () => {
      const { t } = await mountKv('2');
      await t.write('data/app', { data: { a: 1 }, options: { cas: 0 } });
      const mismatch = ['check-and-set parameter did not match the current version'];
      await rejectsWith(t.write('data/app', { data: { a: 2 }, options: { cas: 0 } }), 400, mismatch);
      await rejectsWith(t.write('data/app', { data: { a: 2 }, options: { cas: 2 } }), 400, mismatch);
      assert.equal(dataOf(await t.write('data/app', { data: { a: 2 }, options: { cas: 1 } }))['version'], 2);
      assert.equal(dataOf(await t.write('data/app', { data: { a: 3 }, options: { cas: '2' } }))['version'], 3);
      await rejectsWith(t.write('data/app', { data: { a: 4 }, options: { cas: 'three' } }), 400, ['error parsing check-and-set parameter']);
    });

    it('is required when the mount or the key says so', async () => {
      const { t } = await mountKv('2');
      const required = ['check-and-set parameter required for this call'];
      await t.write('config', { cas_required: true });
      await rejectsWith(t.write('data/app', { data: { a: 1 } }), 400, required);
      await t.write('data/app', { data: { a: 1 }, options: { cas: 0 } });
      await t.write('config', { cas_required: false });
      await t.write('data/app', { data: { a: 2 } });
      await t.write('metadata/app', { cas_required: true });
      await rejectsWith(t.write('data/app', { data: { a: 3 } }), 400, required);
      await rejectsWith(t.request('patch', 'data/app', { data: { a: 3 } }), 400, required);
      assert.equal(dataOf(await t.write('data/app', { data: { a: 3 }, options: { cas: 2 } }))['version'], 3);
    });
  });

  describe('patch', () => {
    it('merges into the current version (null removes, objects merge, arrays replace) as a new version', async () => {
      const { t } = await mountKv('2');
      await t.write('data/app', { data: { keep: 'k', drop: 'd', obj: { x: 1, y: 2 }, list: [1, 2] } });
      const resp = dataOf(await t.request('patch', 'data/app', { data: { drop: null, obj: { y: null, z: 3 }, list: [9], added: true } }));
      assert.equal(resp['version'], 2);
      assert.deepEqual(dataOf(await t.read('data/app'))['data'], { keep: 'k', obj: { x: 1, z: 3 }, list: [9], added: true });
      assert.deepEqual(dataOf(await t.read('data/app', { version: 1 }))['data'], { keep: 'k', drop: 'd', obj: { x: 1, y: 2 }, list: [1, 2] });
    });

    it('honours cas', async () => {
      const { t } = await mountKv('2');
      await t.write('data/app', { data: { a: 1 } });
      await rejectsWith(t.request('patch', 'data/app', { data: { a: 2 }, options: { cas: 0 } }), 400, [
        'check-and-set parameter did not match the current version',
      ]);
      assert.equal(dataOf(await t.request('patch', 'data/app', { data: { a: 2 }, options: { cas: 1 } }))['version'], 2);
    });

    it('answers 404 without a key or current version, and with the metadata when it is deleted', async () => {
      const { t } = await mountKv('2');
      await rejectsWith(t.request('patch', 'data/missing', { data: { a: 1 } }), 404, []);
      await t.write('metadata/only-metadata', { max_versions: 3 });
      await rejectsWith(t.request('patch', 'data/only-metadata', { data: { a: 1 } }), 404, []);
      await t.write('data/app', { data: { a: 1 } });
      await t.delete('data/app');
      const resp = await t.request('patch', 'data/app', { data: { a: 2 } });
      assert.equal(resp?.statusCode, 404);
      assert.equal(dataOf(resp)['version'], 1);
      assert.notEqual(dataOf(resp)['deletion_time'], '');
      await rejectsWith(t.request('patch', 'data/app', {}), 400, ['no data provided']);
    });

    it('does not let "__proto__" in a patch change prototypes', async () => {
      const { t } = await mountKv('2');
      await t.write('data/app', { data: { a: 1 } });
      const patch = JSON.parse('{"data": {"__proto__": {"polluted": true}}}') as Record<string, unknown>;
      await t.request('patch', 'data/app', patch);
      const data = dataOf(await t.read('data/app'))['data'] as Record<string, unknown>;
      assert.deepEqual(Object.keys(data).sort(), ['__proto__', 'a']);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    });
  });

  describe('delete (soft)', () => {
    it('marks the current version deleted: reads answer 404 with its metadata; undelete brings it back', async () => {
      const { t, clock } = await mountKv('2');
      await t.write('data/app', { data: { a: 1 } });
      await t.write('data/app', { data: { a: 2 } });
      clock.advance(5);
      assert.equal(await t.delete('data/app'), null);
      clock.advance(1);
      const resp = await t.read('data/app');
      assert.equal(resp?.statusCode, 404);
      assert.deepEqual(dataOf(resp), {
        data: null,
        metadata: {
          created_time: '2024-01-02T03:04:05.678Z',
          custom_metadata: null,
          deletion_time: '2024-01-02T03:04:10.678Z',
          destroyed: false,
          version: 2,
        },
      });
      // The older version is untouched.
      assert.deepEqual(dataOf(await t.read('data/app', { version: 1 }))['data'], { a: 1 });
      // Deleting again keeps the first deletion time.
      await t.delete('data/app');
      assert.equal(dataOf(await t.read('metadata/app'))['versions'] !== undefined, true);
      const versions = dataOf(await t.read('metadata/app'))['versions'] as Record<string, Record<string, unknown>>;
      assert.equal(versions['2']!['deletion_time'], '2024-01-02T03:04:10.678Z');
    });

    it('is a no-op for a missing key', async () => {
      const { t } = await mountKv('2');
      assert.equal(await t.delete('data/missing'), null);
    });
  });

  describe('max_versions', () => {
    it('keeps the newest 10 by default and removes older data from storage', async () => {
      const { t, storage } = await mountKv('2');
      for (let i = 1; i <= 12; i++) await t.write('data/app', { data: { i } });
      const meta = dataOf(await t.read('metadata/app'));
      assert.equal(meta['current_version'], 12);
      assert.equal(meta['oldest_version'], 3);
      assert.deepEqual(Object.keys(meta['versions'] as object), ['3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
      await rejectsWith(t.read('data/app', { version: 2 }), 404, []);
      assert.deepEqual(dataOf(await t.read('data/app', { version: 3 }))['data'], { i: 3 });
      const versionKeys = [...(await storage.list('_kv-v2/versions/'))];
      assert.equal(versionKeys.length, 1);
      assert.equal((await storage.list(`_kv-v2/versions/${versionKeys[0]}`)).length, 10);
    });

    it('uses the larger of the mount and key settings, and trims several at once when lowered', async () => {
      const { t } = await mountKv('2');
      await t.write('config', { max_versions: 3 });
      for (let i = 1; i <= 5; i++) await t.write('data/app', { data: { i } });
      assert.deepEqual(Object.keys(dataOf(await t.read('metadata/app'))['versions'] as object), ['3', '4', '5']);
      // The key asks for fewer than the mount: the mount's larger value wins.
      await t.write('metadata/app', { max_versions: 2 });
      await t.write('data/app', { data: { i: 6 } });
      assert.deepEqual(Object.keys(dataOf(await t.read('metadata/app'))['versions'] as object), ['4', '5', '6']);
      // The key asks for more than the mount: the key's value wins.
      await t.write('metadata/app', { max_versions: 5 });
      await t.write('data/app', { data: { i: 7 } });
      await t.write('data/app', { data: { i: 8 } });
      assert.deepEqual(Object.keys(dataOf(await t.read('metadata/app'))['versions'] as object), ['4', '5', '6', '7', '8']);
      // Lowered to 1 (mount and key): the next write drops all but the newest.
      await t.write('config', { max_versions: 1 });
      await t.write('metadata/app', { max_versions: 1 });
      await t.write('data/app', { data: { i: 9 } });
      const meta = dataOf(await t.read('metadata/app'));
      assert.deepEqual(Object.keys(meta['versions'] as object), ['9']);
      assert.equal(meta['oldest_version'], 9);
    });
  });

  describe('delete_version_after', () => {
    it('gives new versions a deletion time; past it they read as deleted', async () => {
      const { t, clock } = await mountKv('2');
      await t.write('config', { delete_version_after: '1h' });
      const written = dataOf(await t.write('data/app', { data: { a: 1 } }));
      assert.equal(written['deletion_time'], '2024-01-02T04:04:05.678Z');
      assert.deepEqual(dataOf(await t.read('data/app'))['data'], { a: 1 });
      clock.advance(3601);
      const resp = await t.read('data/app');
      assert.equal(resp?.statusCode, 404);
      assert.equal((dataOf(resp)['metadata'] as Record<string, unknown>)['deletion_time'], '2024-01-02T04:04:05.678Z');
    });

    it('takes the shorter of the key and mount settings; a negative mount setting turns it off', async () => {
      const { t } = await mountKv('2');
      await t.write('metadata/short', { delete_version_after: '10m' });
      await t.write('config', { delete_version_after: '1h' });
      assert.equal(dataOf(await t.write('data/short', { data: { a: 1 } }))['deletion_time'], '2024-01-02T03:14:05.678Z');
      await t.write('metadata/long', { delete_version_after: '2h' });
      assert.equal(dataOf(await t.write('data/long', { data: { a: 1 } }))['deletion_time'], '2024-01-02T04:04:05.678Z');
      await t.write('config', { delete_version_after: '-1s' });
      assert.equal(dataOf(await t.write('data/short', { data: { a: 2 } }))['deletion_time'], '');
      assert.equal(dataOf(await t.read('config'))['delete_version_after'], '-1s');
    });
  });
});
