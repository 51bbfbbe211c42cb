import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTransactional } from '@coffer/sdk';
import { describeStorageConformance } from './conformance.js';
import { openInmem } from './inmem.js';

describeStorageConformance('inmem', async () => ({ storage: await openInmem(), cleanup: async () => {} }));

test('inmem is transactional and named', async () => {
  const s = await openInmem();
  assert.equal(s.name, 'inmem');
  assert.ok(isTransactional(s));
});
