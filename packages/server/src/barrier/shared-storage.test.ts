// Two barriers over one physical storage, as two nodes sharing it: a key
// rotation by one is invisible to the other until it reloads its keyring;
// and transactions reach the physical storage as one, encrypted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CofferError, InmemStorage, StorageView, isTransactional, type TxnOp } from '@coffer/sdk';
import { AesGcmBarrier } from './aes-gcm.js';

async function twoNodes() {
  const physical = new InmemStorage();
  const a = new AesGcmBarrier(physical);
  const rootKey = a.generateKey();
  await a.initialize(rootKey);
  await a.unseal(rootKey);
  const b = new AesGcmBarrier(physical);
  await b.unseal(rootKey);
  return { physical, a, b };
}

test('a keyring rotated by another node is seen after reloadKeyring, not before', async () => {
  const { a, b } = await twoNodes();
  await a.rotate();
  await a.put({ key: 'k', value: Buffer.from('under term 2') });
  await assert.rejects(b.get('k'), (err: unknown) => err instanceof CofferError && /term 2/.test(err.message));
  await b.reloadKeyring();
  assert.equal((await b.get('k'))!.value.toString(), 'under term 2');
  assert.equal(b.keyStatus().term, 2);
});

test('a transaction through the barrier and a storage view is atomic and encrypted', async () => {
  const { physical, a } = await twoNodes();
  const seen: TxnOp[][] = [];
  const realTxn = physical.transaction.bind(physical);
  physical.transaction = async (ops) => {
    seen.push(ops);
    return realTxn(ops);
  };
  const view = new StorageView(a, 'logical/m1/');
  assert.ok(isTransactional(view));
  await view.transaction!([
    { op: 'put', entry: { key: 'x', value: Buffer.from('secret-x') } },
    { op: 'put', entry: { key: 'y', value: Buffer.from('secret-y') } },
  ]);
  assert.equal(seen.length, 1, 'one physical transaction');
  assert.deepEqual(seen[0]!.map((op) => (op.op === 'put' ? op.entry.key : op.key)), ['logical/m1/x', 'logical/m1/y']);
  for (const op of seen[0]!) if (op.op === 'put') assert.ok(!op.entry.value.toString('latin1').includes('secret'), 'no plaintext reaches the physical layer');
  assert.equal((await view.get('y'))!.value.toString(), 'secret-y');
  // A failing transaction changes nothing.
  await assert.rejects(view.transaction!([{ op: 'put', entry: { key: 'z', value: Buffer.from('1') } }, { op: 'bogus' } as unknown as TxnOp]));
  assert.equal(await view.get('z'), null);
});

test('over storage without transactions, neither the barrier nor a view claims them', () => {
  const plain = { get: async () => null, put: async () => undefined, delete: async () => undefined, list: async () => [], listPage: async () => [] };
  const barrier = new AesGcmBarrier(plain);
  assert.equal(isTransactional(barrier), false);
  assert.equal(isTransactional(new StorageView(barrier, 'x/')), false);
});

test("an entry another node wrote is read from the decrypted-entry cache until it is forgotten; sealing empties the cache", async () => {
  const { a, b } = await twoNodes();
  await a.put({ key: 'policy', value: Buffer.from('v1') });
  assert.equal((await b.get('policy'))!.value.toString(), 'v1');
  await a.put({ key: 'policy', value: Buffer.from('v2') });
  assert.equal((await b.get('policy'))!.value.toString(), 'v1', 'B still has its decrypted copy');
  b.forgetCached('policy');
  assert.equal((await b.get('policy'))!.value.toString(), 'v2');
  // A caller changing the buffer it got does not change the cache.
  (await b.get('policy'))!.value.fill(0);
  assert.equal((await b.get('policy'))!.value.toString(), 'v2');
  await a.delete('policy');
  b.seal();
  await assert.rejects(b.get('policy'), (err: unknown) => err instanceof CofferError && err.code === 'sealed');
});
