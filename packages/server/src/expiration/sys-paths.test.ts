import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBackend, InmemStorage, isCofferError, makeRequest, silentLogger, type Operation, type Response } from '@coffer/sdk';
import { createExpirationManager, type ExpirationManager } from './manager.js';
import { leasePaths } from './sys-paths.js';
import { TestClock } from './test-clock.js';

const mountDefaults = { defaultTtl: 3600, maxTtl: 7200 };

function setup(): { em: ExpirationManager; clock: TestClock; revoked: string[]; call: (op: Operation, path: string, data?: Record<string, unknown>) => Promise<Response | null> } {
  const clock = new TestClock();
  const revoked: string[] = [];
  const em = createExpirationManager({
    storage: new InmemStorage(),
    logger: silentLogger,
    now: clock.now,
    scheduler: clock,
    revokeSecret: async (lease) => {
      if (lease.path.startsWith('broken/')) throw new Error('backend unavailable');
      revoked.push(lease.leaseId);
    },
    renewSecret: async (lease, increment) => ({ secret: { ...lease.secret!, ttl: increment } }),
    tokenExists: async () => true,
  });
  const backend = createBackend({ type: 'logical', help: 'sys', paths: leasePaths(em) });
  const call = (op: Operation, path: string, data: Record<string, unknown> = {}) =>
    backend.handleRequest(makeRequest({ operation: op, path, data, storage: new InmemStorage() }));
  return { em, clock, revoked, call };
}

async function lease(em: ExpirationManager, path = 'database/creds/ro'): Promise<string> {
  const resp: Response = { secret: { ttl: 600, maxTtl: 0, renewable: true, internalData: { secret_type: 'creds' } } };
  return (await em.registerSecret({ path, owner: { tokenKey: 'tk', tokenType: 'service' }, response: resp, mountDefaults })).leaseId;
}

async function fails(promise: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isCofferError(err));
    assert.equal(err.code, 'invalid_request');
    assert.equal(err.message, message);
    return true;
  });
}

describe('sys/leases paths', () => {
  it('looks up and lists leases', async () => {
    const s = setup();
    const id = await lease(s.em);
    const resp = await s.call('update', 'leases/lookup', { lease_id: id });
    assert.deepEqual(resp!.data, {
      id,
      issue_time: '2024-01-01T00:00:00Z',
      expire_time: '2024-01-01T00:10:00Z',
      last_renewal: null,
      renewable: true,
      ttl: 600,
    });
    await fails(s.call('update', 'leases/lookup', {}), 'lease_id must be specified');
    await fails(s.call('update', 'leases/lookup', { lease_id: 'x/y' }), 'invalid lease');
    assert.deepEqual((await s.call('list', 'leases/lookup/'))!.data, { keys: ['database/'] });
    assert.deepEqual((await s.call('list', 'leases/lookup'))!.data, { keys: ['database/'] });
    assert.deepEqual((await s.call('list', 'leases/lookup/database/creds'))!.data, { keys: ['ro/'] });
    assert.deepEqual((await s.call('list', 'leases/lookup/database/creds/ro/'))!.data, { keys: [id.split('/').pop()] });
  });

  it('renews through sys/leases/renew and the legacy sys/renew/:id', async () => {
    const s = setup();
    const id = await lease(s.em);
    const resp = await s.call('update', 'leases/renew', { lease_id: id, increment: '30m' });
    assert.equal(resp!.secret!.leaseId, id);
    assert.equal(resp!.secret!.ttl, 1800);
    s.clock.jump(1_000_000);
    const legacy = await s.call('update', `renew/${id}`, { increment: 7000 });
    assert.equal(legacy!.secret!.ttl, 6200, 'capped at the mount max, counted from issue');
    assert.deepEqual(legacy!.warnings, ['TTL of "1h56m40s" exceeded the effective max_ttl of "1h43m20s"; TTL value is capped accordingly']);
    await fails(s.call('update', 'leases/renew', {}), 'lease_id must be specified');
    await fails(s.call('update', 'renew/nope/x', {}), 'lease not found');
  });

  it('revokes synchronously, in the background, by prefix and by force', async () => {
    const s = setup();
    const a = await lease(s.em);
    assert.equal(await s.call('update', 'leases/revoke', { lease_id: a }), null);
    assert.deepEqual(s.revoked, [a]);

    const b = await lease(s.em);
    const accepted = await s.call('update', `revoke/${b}`, { sync: false });
    assert.equal(accepted!.statusCode, 202);
    await s.em.processDue();
    assert.deepEqual(s.revoked, [a, b]);

    const c = await lease(s.em, 'aws/creds/x');
    assert.equal(await s.call('update', 'leases/revoke-prefix/aws/'), null);
    assert.deepEqual(s.revoked, [a, b, c]);

    const broken = await lease(s.em, 'broken/creds/x');
    await assert.rejects(s.call('update', 'revoke-prefix/broken'));
    assert.ok(await s.em.get(broken));
    assert.equal(await s.call('update', 'leases/revoke-force/broken'), null);
    assert.equal(await s.em.get(broken), null);
  });

  it('counts leases and lists the irrevocable ones with their error', async () => {
    const s = setup();
    await lease(s.em);
    const broken = await lease(s.em, 'broken/creds/x');
    assert.deepEqual((await s.call('read', 'leases/count', { type: 'all' }))!.data, { lease_count: 2 });
    assert.deepEqual((await s.call('read', 'leases/count', { type: 'irrevocable' }))!.data, { counts: {}, lease_count: 0 });
    // Six failed expiries (10 s doubling backoff) make the broken lease irrevocable.
    s.clock.jump(601_000);
    for (let i = 0; i < 6; i++) {
      await s.em.processDue();
      s.clock.jump(10_000 * 2 ** i);
    }
    assert.deepEqual((await s.call('read', 'leases/count', { type: 'irrevocable', include_child: true }))!.data, { counts: { 'broken/': 1 }, lease_count: 1 });
    const listed = await s.call('read', 'leases', { type: 'irrevocable', limit: 'none' });
    assert.equal(listed!.data!['lease_count'], 1);
    assert.deepEqual(listed!.data!['leases'], [{ lease_id: broken, mount_path: 'broken/', error: 'failed to revoke entry: backend unavailable', expire_time: '2024-01-01T00:10:00Z' }]);
    await fails(s.call('read', 'leases/count', {}), 'type is required: "irrevocable" or "all"');
    await fails(s.call('read', 'leases', { type: 'all' }), 'only type=irrevocable leases can be listed; list other leases under sys/leases/lookup/<prefix>');
    await fails(s.call('read', 'leases', { type: 'irrevocable', limit: '-3' }), 'limit must be a positive integer or "none", got "-3"');
  });

  it('starts a tidy with 202', async () => {
    const s = setup();
    const resp = await s.call('update', 'leases/tidy');
    assert.equal(resp!.statusCode, 202);
    assert.equal(resp!.warnings!.length, 1);
  });
});
