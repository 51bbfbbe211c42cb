// The identity store across seal and unseal: its records are reloaded from
// storage, and a mount table written before identity/ existed gets it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getJson, putJson } from '@coffer/sdk';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('identity store across seal and unseal', () => {
  let s: InProcessServer;
  const resealAndUnseal = async () => {
    assert.equal((await s.request('PUT', 'sys/seal')).status, 204);
    const res = await s.request('PUT', 'sys/unseal', { key: s.unsealKey }, { token: null });
    assert.equal(res.body.sealed, false, JSON.stringify(res.body));
  };

  before(async () => {
    s = await startInProcessServer();
  });
  after(async () => {
    await s.close();
  });

  it('reloads entities, aliases and groups at unseal', async () => {
    const entity = (await s.request('POST', 'identity/entity', { name: 'kept', policies: ['p'] })).body.data.id;
    const group = (await s.request('POST', 'identity/group', { name: 'kept-group', member_entity_ids: [entity] })).body.data.id;
    await resealAndUnseal();
    const read = await s.request('GET', 'identity/entity/name/kept');
    assert.equal(read.status, 200);
    assert.equal(read.body.data.id, entity);
    assert.deepEqual(read.body.data.direct_group_ids, [group]);
  });

  it('adds identity/ to a mount table written without it', async () => {
    const table = await getJson<{ entries: Array<{ path: string }> }>(s.core.barrier, 'core/mounts');
    await putJson(s.core.barrier, 'core/mounts', { entries: table!.entries.filter((e) => e.path !== 'identity/') });
    await resealAndUnseal();
    const mounts = await s.request('GET', 'sys/mounts');
    assert.equal(mounts.body.data['identity/'].type, 'identity');
    assert.equal((await s.request('POST', 'identity/entity', { name: 'after-upgrade' })).status, 200);
  });
});
