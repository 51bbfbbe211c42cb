import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subkeysOf } from './subkeys.js';
import { dataOf, mountKv, rejectsWith } from './testdata/mount.js';

const secret = { foo: 'abc', bar: { baz: 'def', deeper: { x: 1, y: [1, 2] } }, quux: {}, list: [{ a: 1 }] };

describe('kv version 2: subkeys/', () => {
  it('shows the structure with null leaves (empty objects and lists are leaves)', async () => {
    const { t } = await mountKv('2');
    await t.write('data/app', { data: secret });
    const resp = dataOf(await t.read('subkeys/app'));
    assert.deepEqual(resp['subkeys'], { foo: null, bar: { baz: null, deeper: { x: null, y: null } }, quux: null, list: null });
    assert.equal((resp['metadata'] as Record<string, unknown>)['version'], 1);
    assert.deepEqual(Object.keys(resp), ['metadata', 'subkeys']);
  });

  it('stops at ?depth= (top-level keys are depth 1; 0 means no limit)', async () => {
    const { t } = await mountKv('2');
    await t.write('data/app', { data: secret });
    assert.deepEqual(dataOf(await t.read('subkeys/app', { depth: '1' }))['subkeys'], { foo: null, bar: null, quux: null, list: null });
    assert.deepEqual(dataOf(await t.read('subkeys/app', { depth: 2 }))['subkeys'], { foo: null, bar: { baz: null, deeper: null }, quux: null, list: null });
    assert.deepEqual(dataOf(await t.read('subkeys/app', { depth: 0 }))['subkeys'], dataOf(await t.read('subkeys/app'))['subkeys']);
  });

  it('reads the version asked for, and answers 404 like data/ does', async () => {
    const { t } = await mountKv('2');
    await t.write('data/app', { data: { old: 1 } });
    await t.write('data/app', { data: { new: 1 } });
    assert.deepEqual(dataOf(await t.read('subkeys/app', { version: 1 }))['subkeys'], { old: null });
    await rejectsWith(t.read('subkeys/missing'), 404, []);
    await rejectsWith(t.read('subkeys/app', { version: 5 }), 404, []);
    await t.delete('data/app');
    const resp = await t.read('subkeys/app');
    assert.equal(resp?.statusCode, 404);
    assert.equal(dataOf(resp)['subkeys'], null);
  });

  it('never leaks a value, whatever the depth', () => {
    const text = JSON.stringify(subkeysOf({ a: { b: { c: 'SECRET' } }, d: 'SECRET' }, 2));
    assert.doesNotMatch(text, /SECRET/);
    assert.deepEqual(subkeysOf({ a: { b: 1 } }, -1), { a: null });
  });
});
