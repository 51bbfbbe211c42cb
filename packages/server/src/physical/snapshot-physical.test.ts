import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StorageEntry } from '@coffer/sdk';
import { InmemBackend } from './inmem.js';
import { SnapshotPhysical } from './snapshot-physical.js';

const text = (entries: StorageEntry[]) => Object.fromEntries(entries.map((e) => [e.key, Buffer.from(e.value).toString()]));

test('a snapshot is the state when it started, whatever is written, deleted or created while it is read', async () => {
  const physical = new SnapshotPhysical(new InmemBackend());
  const initial: Record<string, string> = {};
  for (const key of ['a/1', 'a/2', 'b', 'c/x/1', 'c/x/2', 'd', 'e/1']) {
    initial[key] = `old ${key}`;
    await physical.put({ key, value: Buffer.from(`old ${key}`) });
  }
  const seen: StorageEntry[] = [];
  const reading = physical.snapshot();
  // Read two entries, then change things on both sides of the walk.
  for (let i = 0; i < 2; i++) seen.push((await reading.next()).value as StorageEntry);
  await Promise.all([
    physical.put({ key: 'a/1', value: Buffer.from('new a/1') }), // already read
    physical.put({ key: 'c/x/1', value: Buffer.from('new c/x/1') }), // not read yet
    physical.put({ key: 'c/x/1', value: Buffer.from('newer c/x/1') }), // twice
    physical.delete('d'), // deleted before the walk reaches it
    physical.delete('e/1'), // the whole folder disappears
    physical.put({ key: 'b0', value: Buffer.from('created') }), // did not exist
    physical.transaction!([{ op: 'put', entry: { key: 'b', value: Buffer.from('new b') } }, { op: 'delete', key: 'a/2' }]),
  ]);
  for await (const entry of { [Symbol.asyncIterator]: () => reading }) seen.push(entry);
  assert.deepEqual(text(seen), initial);
  assert.equal(seen.length, Object.keys(initial).length, 'each entry once');

  // The storage itself has the new state, and the next snapshot sees it.
  const after: StorageEntry[] = [];
  for await (const entry of physical.snapshot()) after.push(entry);
  assert.deepEqual(text(after), { 'a/1': 'new a/1', b: 'new b', b0: 'created', 'c/x/1': 'newer c/x/1', 'c/x/2': 'old c/x/2' });
});

test('one snapshot at a time', async () => {
  const physical = new SnapshotPhysical(new InmemBackend());
  await physical.put({ key: 'k', value: Buffer.from('v') });
  const first = physical.snapshot();
  await first.next();
  await assert.rejects(physical.snapshot().next(), /already being taken/);
  await first.return(undefined);
  const again = [];
  for await (const e of physical.snapshot()) again.push(e);
  assert.equal(again.length, 1);
});
