import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InmemStorage, type TxnOp } from '@coffer/sdk';
import { mountKv } from './testdata/mount.js';

describe('kv version 2: a write is atomic on transactional storage', () => {
  it('stores the version and its metadata in one transaction', async () => {
    const storage = new InmemStorage();
    const { t } = await mountKv('2', { storage });
    const transactions: TxnOp[][] = [];
    const real = storage.transaction.bind(storage);
    storage.transaction = async (ops) => (transactions.push(ops), real(ops));
    await t.write('data/app', { data: { a: 1 } });
    assert.equal(transactions.length, 1);
    assert.deepEqual(transactions[0]!.map((op) => op.op), ['put', 'put']);
    const keys = transactions[0]!.map((op) => (op.op === 'put' ? op.entry.key : ''));
    assert.ok(keys.some((k) => k.includes('metadata')) && keys.some((k) => k.includes('versions')), keys.join(', '));
  });

  it('a failed transaction leaves neither the version nor the metadata behind', async () => {
    const storage = new InmemStorage();
    const { t } = await mountKv('2', { storage });
    await t.write('data/app', { data: { a: 1 } });
    storage.transaction = async () => {
      throw new Error('disk full');
    };
    await assert.rejects(t.write('data/app', { data: { a: 2 } }), /disk full/);
    const read = await t.read('data/app');
    assert.deepEqual((read?.data as { data: unknown }).data, { a: 1 });
    assert.equal(((read?.data as { metadata: { version: number } }).metadata).version, 1);
  });
});
