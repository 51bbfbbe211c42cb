import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKvFactory } from './factory.js';
import { CONFIG_KEY } from './storage-layout.js';
import { dataOf, ManualClock, mountKv, rejectsWith } from './testdata/mount.js';
import { createTestBackend } from '@coffer/sdk/testing/index.js';

describe('kv version 2: config', () => {
  it('reads the defaults', async () => {
    const { t } = await mountKv('2');
    assert.deepEqual(dataOf(await t.read('config')), { cas_required: false, delete_version_after: '0s', max_versions: 0 });
  });

  it('changes only the settings sent', async () => {
    const { t } = await mountKv('2');
    assert.equal(await t.write('config', { max_versions: 5, cas_required: true, delete_version_after: '3h25m19s' }), null);
    assert.deepEqual(dataOf(await t.read('config')), { cas_required: true, delete_version_after: '3h25m19s', max_versions: 5 });
    await t.write('config', { cas_required: 'false' });
    assert.deepEqual(dataOf(await t.read('config')), { cas_required: false, delete_version_after: '3h25m19s', max_versions: 5 });
    await t.write('config', { delete_version_after: 0 });
    assert.equal(dataOf(await t.read('config'))['delete_version_after'], '0s');
    await t.write('config', { delete_version_after: '-10m' });
    assert.equal(dataOf(await t.read('config'))['delete_version_after'], '-1s');
    await t.write('config', { delete_version_after: 90 });
    assert.equal(dataOf(await t.read('config'))['delete_version_after'], '1m30s');
    assert.equal(await t.write('config', {}), null);
  });

  it('refuses bad values', async () => {
    const { t } = await mountKv('2');
    await rejectsWith(t.write('config', { max_versions: 'many' }), 400);
    await rejectsWith(t.write('config', { max_versions: -1 }), 400);
    await rejectsWith(t.write('config', { delete_version_after: 'soon' }), 400);
    await rejectsWith(t.write('config', { cas_required: 'maybe' }), 400);
  });

  it('survives a restart, and a changed stored config is picked up after invalidate', async () => {
    const m = await mountKv('2');
    await m.t.write('config', { max_versions: 3 });
    const again = await createTestBackend(createKvFactory({ now: new ManualClock().now }), { config: { version: '2' }, storage: m.storage });
    assert.equal(dataOf(await again.read('config'))['max_versions'], 3);
    // Another node changed the config: the cached copy is dropped on invalidate.
    await again.write('config', { max_versions: 7 });
    assert.equal(dataOf(await m.t.read('config'))['max_versions'], 3);
    await m.t.backend.invalidateKey(CONFIG_KEY);
    assert.equal(dataOf(await m.t.read('config'))['max_versions'], 7);
  });
});
