import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataOf, mountKv, rejectsWith } from './testdata/mount.js';

type Versions = Record<string, { created_time: string; deletion_time: string; destroyed: boolean }>;

async function setup() {
  const m = await mountKv('2');
  for (let i = 1; i <= 3; i++) await m.t.write('data/app', { data: { i } });
  const versions = async (): Promise<Versions> => dataOf(await m.t.read('metadata/app'))['versions'] as Versions;
  return { ...m, versions };
}

describe('kv version 2: delete/, undelete/, destroy/', () => {
  it('soft-deletes chosen versions (a JSON list or "1,2"); reads of them answer 404 with metadata', async () => {
    const { t, versions } = await setup();
    assert.equal(await t.write('delete/app', { versions: [1, 3] }), null);
    const v = await versions();
    assert.notEqual(v['1']!.deletion_time, '');
    assert.equal(v['2']!.deletion_time, '');
    assert.notEqual(v['3']!.deletion_time, '');
    const resp = await t.read('data/app');
    assert.equal(resp?.statusCode, 404);
    assert.equal(dataOf(resp)['data'], null);
    assert.deepEqual(dataOf(await t.read('data/app', { version: 2 }))['data'], { i: 2 });
    await t.write('delete/app', { versions: '2' });
    assert.equal((await t.read('data/app', { version: 2 }))?.statusCode, 404);
  });

  it('ignores versions that do not exist and keys that do not exist; needs at least one version', async () => {
    const { t } = await setup();
    assert.equal(await t.write('delete/app', { versions: [99] }), null);
    assert.equal(await t.write('delete/missing', { versions: [1] }), null);
    await rejectsWith(t.write('delete/app', {}), 400, ['No version number provided']);
    await rejectsWith(t.write('undelete/app', { versions: [] }), 400, ['No version number provided']);
    await rejectsWith(t.write('destroy/app', {}), 400, ['no version number provided']);
    await rejectsWith(t.write('delete/app', { versions: ['one'] }), 400);
  });

  it('undeletes versions so that reads return their data again', async () => {
    const { t, versions } = await setup();
    await t.write('delete/app', { versions: [2, 3] });
    assert.equal(await t.write('undelete/app', { versions: '2,3' }), null);
    const v = await versions();
    assert.equal(v['2']!.deletion_time, '');
    assert.equal(v['3']!.deletion_time, '');
    assert.deepEqual(dataOf(await t.read('data/app'))['data'], { i: 3 });
    assert.equal(await t.write('undelete/missing', { versions: [1] }), null);
  });

  it('undelete restarts the delete_version_after clock', async () => {
    const { t, clock, versions } = await setup();
    await t.write('metadata/app', { delete_version_after: '10m' });
    await t.write('delete/app', { versions: [3] });
    clock.advance(60);
    await t.write('undelete/app', { versions: [3] });
    assert.equal((await versions())['3']!.deletion_time, '2024-01-02T03:15:05.678Z');
  });

  it('destroys version data for good: marked destroyed, 404 on read, gone from storage, not undeletable', async () => {
    const { t, storage, versions } = await setup();
    assert.equal(await t.write('destroy/app', { versions: [1, 2] }), null);
    const v = await versions();
    assert.equal(v['1']!.destroyed, true);
    assert.equal(v['2']!.destroyed, true);
    assert.equal(v['3']!.destroyed, false);
    const resp = await t.read('data/app', { version: 1 });
    assert.equal(resp?.statusCode, 404);
    assert.equal((dataOf(resp)['metadata'] as Record<string, unknown>)['destroyed'], true);
    const [folder] = await storage.list('_kv-v2/versions/');
    assert.deepEqual(await storage.list(`_kv-v2/versions/${folder}`), ['3']);
    await t.write('undelete/app', { versions: [1] });
    assert.equal((await t.read('data/app', { version: 1 }))?.statusCode, 404);
    // A destroyed current version cannot be soft-deleted or patched.
    await t.write('destroy/app', { versions: [3] });
    assert.equal(await t.delete('data/app'), null);
    assert.equal((await versions())['3']!.deletion_time, '');
    assert.equal((await t.request('patch', 'data/app', { data: { x: 1 } }))?.statusCode, 404);
    assert.equal(await t.write('destroy/missing', { versions: [1] }), null);
  });
});
