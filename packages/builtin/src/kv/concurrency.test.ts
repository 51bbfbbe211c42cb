import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InmemStorage, type StorageEntry, type TxnOp } from '@coffer/sdk';
import { dataOf, mountKv, rejectsWith } from './testdata/mount.js';

/** In-memory storage whose puts yield to the event loop, so that unsynchronized writers would interleave. */
class SlowStorage extends InmemStorage {
  failPutsMatching: RegExp | undefined;
  override async put(entry: StorageEntry): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failPutsMatching?.test(entry.key)) throw new Error('disk full');
    return super.put(entry);
  }
  /** A transaction with a failing put fails whole. */
  override async transaction(ops: TxnOp[]): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (ops.some((op) => op.op === 'put' && this.failPutsMatching?.test(op.entry.key))) throw new Error('disk full');
    return super.transaction(ops);
  }
  override async get(key: string) {
    await new Promise((resolve) => setImmediate(resolve));
    return super.get(key);
  }
}

describe('kv version 2 under concurrent writes', () => {
  it('lets exactly one of two concurrent cas=1 writes win', async () => {
    const { t } = await mountKv('2', { storage: new SlowStorage() });
    await t.write('data/app', { data: { v: 'first' } });
    const results = await Promise.allSettled([
      t.write('data/app', { data: { v: 'a' }, options: { cas: 1 } }),
      t.write('data/app', { data: { v: 'b' }, options: { cas: 1 } }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.match(String((lost[0] as PromiseRejectedResult).reason), /check-and-set parameter did not match the current version/);
    assert.equal(dataOf(await t.read('metadata/app'))['current_version'], 2);
  });

  it('gives every concurrent write its own version; none is lost', async () => {
    const { t } = await mountKv('2', { storage: new SlowStorage() });
    const writes = Array.from({ length: 8 }, (_, i) => t.write('data/app', { data: { i } }));
    const versions = (await Promise.all(writes)).map((r) => dataOf(r)['version']);
    assert.deepEqual([...versions].sort((a, b) => Number(a) - Number(b)), [1, 2, 3, 4, 5, 6, 7, 8]);
    const seen = new Set<unknown>();
    for (let v = 1; v <= 8; v++) seen.add((dataOf(await t.read('data/app', { version: v }))['data'] as Record<string, unknown>)['i']);
    assert.equal(seen.size, 8);
  });

  it('concurrent patches all apply (each merges into the result of the one before)', async () => {
    const { t } = await mountKv('2', { storage: new SlowStorage() });
    await t.write('data/app', { data: {} });
    await Promise.all(['a', 'b', 'c', 'd'].map((k) => t.request('patch', 'data/app', { data: { [k]: true } })));
    assert.deepEqual(dataOf(await t.read('data/app'))['data'], { a: true, b: true, c: true, d: true });
  });

  it('a write that fails before its metadata is stored leaves the previous version current', async () => {
    const storage = new SlowStorage();
    const { t } = await mountKv('2', { storage });
    await t.write('data/app', { data: { v: 1 } });
    storage.failPutsMatching = /^_kv-v2\/metadata\//;
    await assert.rejects(t.write('data/app', { data: { v: 2 } }), /disk full/);
    storage.failPutsMatching = undefined;
    const current = dataOf(await t.read('data/app'));
    assert.deepEqual(current['data'], { v: 1 });
    assert.equal(dataOf(await t.read('metadata/app'))['current_version'], 1);
    await rejectsWith(t.read('data/app', { version: 2 }), 404, []);
    // The next write takes version 2 over the unreachable leftover.
    assert.equal(dataOf(await t.write('data/app', { data: { v: 'two' } }))['version'], 2);
    assert.deepEqual(dataOf(await t.read('data/app'))['data'], { v: 'two' });
  });
});
