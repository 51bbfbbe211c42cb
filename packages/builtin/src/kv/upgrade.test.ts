import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InmemStorage, collectKeys } from '@coffer/sdk';
import { dataOf, ManualClock, mountKv } from './testdata/mount.js';

describe('upgrading a version 1 mount to version 2', () => {
  it('keeps every secret, as version 1, and removes the old keys', async () => {
    const storage = new InmemStorage();
    const v1 = await mountKv('1', { storage });
    await v1.t.write('app', { password: 'p', ttl: '1h' });
    await v1.t.write('app/db', { user: 'u' });
    await v1.t.write('team/a/b/c', { deep: { nested: true } });
    await v1.t.write('a..b', { dots: 1 }).catch(() => undefined); // refused by v1, never stored

    const { t } = await mountKv('2', { storage, clock: new ManualClock(Date.UTC(2025, 5, 1)) });
    assert.deepEqual(dataOf(await t.read('data/app'))['data'], { password: 'p', ttl: '1h' });
    assert.deepEqual(dataOf(await t.read('data/app/db'))['data'], { user: 'u' });
    assert.deepEqual(dataOf(await t.read('data/team/a/b/c'))['data'], { deep: { nested: true } });
    const meta = dataOf(await t.read('metadata/app'));
    assert.equal(meta['current_version'], 1);
    assert.equal(meta['oldest_version'], 1);
    assert.equal(meta['created_time'], '2025-06-01T00:00:00Z');
    assert.deepEqual(dataOf(await t.list('metadata/')), { keys: ['app', 'app/', 'team/'] });
    const leftovers = (await collectKeys(storage)).filter((k) => !k.startsWith('_kv-v2/'));
    assert.deepEqual(leftovers, []);
    // Writing continues from there.
    assert.equal(dataOf(await t.write('data/app', { data: { password: 'q' } }))['version'], 2);
  });

  it('is idempotent, finishes a key whose upgrade was interrupted, and leaves non-JSON keys alone', async () => {
    const storage = new InmemStorage();
    const v1 = await mountKv('1', { storage });
    await v1.t.write('one', { a: 1 });
    const first = await mountKv('2', { storage });
    assert.equal(dataOf(await first.t.read('metadata/one'))['current_version'], 1);
    // An interruption after the metadata was written but before the old key was deleted.
    await storage.put({ key: 'one', value: Buffer.from('{"a":"stale"}') });
    await storage.put({ key: 'raw', value: Buffer.from('not json') });
    const second = await mountKv('2', { storage });
    assert.deepEqual(dataOf(await second.t.read('data/one'))['data'], { a: 1 });
    assert.equal(dataOf(await second.t.read('metadata/one'))['current_version'], 1);
    assert.equal(await storage.get('one'), null);
    assert.notEqual(await storage.get('raw'), null);
    await second.t.backend.initialize({ storage });
    assert.equal(dataOf(await second.t.read('metadata/one'))['current_version'], 1);
  });

  it('a mount that was always version 2 keeps everything under its own prefix', async () => {
    const { t, storage } = await mountKv('2');
    await t.write('config', { max_versions: 2 });
    await t.write('data/x', { data: { a: 1 } });
    await t.write('metadata/y', { custom_metadata: { k: 'v' } });
    assert.deepEqual(await storage.list(''), ['_kv-v2/']);
  });
});
