import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '@coffer/sdk';
import { Invalidator } from './invalidation.js';

test('invalidate(key) reaches the handlers whose prefix holds the key, and waits for them', async () => {
  const inv = new Invalidator(silentLogger);
  const heard: string[] = [];
  inv.register([
    { prefix: 'sys/policy/', invalidate: async (k) => void heard.push(`policy ${k}`) },
    { prefix: 'logical/', invalidate: (k) => void heard.push(`backend ${k}`) },
  ]);
  await inv.invalidate('sys/policy/admin');
  await inv.invalidate('logical/u1/config');
  await inv.invalidate('core/mounts');
  assert.deepEqual(heard, ['policy sys/policy/admin', 'backend logical/u1/config']);
});

test('reported writes are handled in order, off the writer\'s path; a failing handler does not stop the others', async () => {
  const inv = new Invalidator(silentLogger);
  const heard: string[] = [];
  inv.register([
    { prefix: 'a/', invalidate: async () => { throw new Error('broken cache'); } },
    { prefix: 'a/', invalidate: async (k) => void heard.push(k) },
  ]);
  inv.written(['a/1', 'b/ignored']);
  inv.written(['a/2']);
  assert.deepEqual(heard, [], 'nothing runs inside the writer\'s call');
  await inv.settled();
  assert.deepEqual(heard, ['a/1', 'a/2']);
  inv.clear();
  inv.written(['a/3']);
  await inv.settled();
  assert.deepEqual(heard, ['a/1', 'a/2']);
});
