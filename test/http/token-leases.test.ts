import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

/**
 * Leases over HTTP. A kv mount with leased_passthrough=true registers a real
 * lease for every read, which gives these tests secrets to renew and revoke.
 */
describe('sys/leases over HTTP', () => {
  let s: InProcessServer;
  const readLeased = async (path: string, token?: string) => {
    const res = await s.request('GET', `lkv/${path}`, undefined, token ? { token } : {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.lease_id, 'a lease was registered');
    return res.body;
  };
  const leaseExists = async (leaseId: string) => (await s.request('PUT', 'sys/leases/lookup', { lease_id: leaseId })).status === 200;

  before(async () => {
    s = await startInProcessServer();
    assert.equal((await s.request('POST', 'sys/mounts/lkv', { type: 'kv', options: { leased_passthrough: 'true' } })).status, 204);
    assert.equal((await s.request('POST', 'lkv/a', { v: 'one', ttl: '1h' })).status, 204);
    assert.equal((await s.request('POST', 'lkv/dir/b', { v: 'two', ttl: '1h' })).status, 204);
    await s.request('PUT', 'sys/policies/acl/lkv-reader', { policy: 'path "lkv/*" { capabilities = ["read"] }' });
  });
  after(async () => {
    await s.close();
  });

  it('lookup shows the lease', async () => {
    const body = await readLeased('a');
    assert.equal(body.lease_duration, 3600);
    assert.equal(body.renewable, true);
    assert.match(body.lease_id, /^lkv\/a\//);
    const look = await s.request('PUT', 'sys/leases/lookup', { lease_id: body.lease_id });
    assert.equal(look.status, 200);
    assert.equal(look.body.data.id, body.lease_id);
    assert.equal(look.body.data.renewable, true);
    assert.ok(look.body.data.ttl > 3500 && look.body.data.ttl <= 3600);
    assert.equal(typeof look.body.data.issue_time, 'string');
    assert.equal(typeof look.body.data.expire_time, 'string');
    assert.equal((await s.request('PUT', 'sys/leases/lookup', { lease_id: 'lkv/a/nope' })).status, 400);
    assert.equal((await s.request('PUT', 'sys/leases/lookup', {})).status, 400);
  });

  it('LIST sys/leases/lookup/:prefix lists lease ids (sudo)', async () => {
    const body = await readLeased('a');
    const list = await s.request('LIST', 'sys/leases/lookup/lkv/a/');
    assert.equal(list.status, 200);
    assert.ok(list.body.data.keys.includes(body.lease_id.split('/').pop()));
    const top = await s.request('LIST', 'sys/leases/lookup/');
    assert.ok(top.body.data.keys.includes('lkv/'));
    await s.request('PUT', 'sys/policies/acl/lease-lister', { policy: 'path "sys/leases/lookup/*" { capabilities = ["list"] }' });
    const t = await s.request('POST', 'auth/token/create', { policies: ['lease-lister'] });
    assert.equal((await s.request('LIST', 'sys/leases/lookup/lkv/a/', undefined, { token: t.body.auth.client_token })).status, 403);
  });

  it('renew (body, URL and legacy sys/renew)', async () => {
    const body = await readLeased('a');
    const renew = await s.request('PUT', 'sys/leases/renew', { lease_id: body.lease_id, increment: '30m' });
    assert.equal(renew.status, 200, JSON.stringify(renew.body));
    assert.equal(renew.body.lease_id, body.lease_id);
    assert.equal(renew.body.renewable, true);
    assert.ok(renew.body.lease_duration > 0 && renew.body.lease_duration <= 3600);
    const url = await s.request('PUT', `sys/leases/renew/${body.lease_id}`, {});
    assert.equal(url.status, 200);
    assert.equal(url.body.lease_id, body.lease_id);
    const legacy = await s.request('PUT', 'sys/renew', { lease_id: body.lease_id });
    assert.equal(legacy.status, 200);
    assert.equal((await s.request('PUT', 'sys/leases/renew', { lease_id: 'lkv/a/missing' })).status, 400);
  });

  it('revoke (body, URL, legacy) removes the lease', async () => {
    const a = (await readLeased('a')).lease_id;
    const b = (await readLeased('a')).lease_id;
    const c = (await readLeased('a')).lease_id;
    assert.equal((await s.request('PUT', 'sys/leases/revoke', { lease_id: a })).status, 204);
    assert.equal((await s.request('PUT', `sys/leases/revoke/${b}`, {})).status, 204);
    assert.equal((await s.request('PUT', 'sys/revoke', { lease_id: c })).status, 204);
    for (const id of [a, b, c]) assert.equal(await leaseExists(id), false);
  });

  it('revoke-prefix revokes every lease under a prefix and needs sudo', async () => {
    const d1 = (await readLeased('dir/b')).lease_id;
    const d2 = (await readLeased('dir/b')).lease_id;
    const keep = (await readLeased('a')).lease_id;
    await s.request('PUT', 'sys/policies/acl/revoker', { policy: 'path "sys/leases/revoke-prefix/*" { capabilities = ["update"] }' });
    const t = await s.request('POST', 'auth/token/create', { policies: ['revoker'] });
    assert.equal((await s.request('PUT', 'sys/leases/revoke-prefix/lkv/dir', {}, { token: t.body.auth.client_token })).status, 403);
    assert.equal(await leaseExists(d1), true);
    assert.equal((await s.request('PUT', 'sys/leases/revoke-prefix/lkv/dir', {})).status, 204);
    assert.equal(await leaseExists(d1), false);
    assert.equal(await leaseExists(d2), false);
    assert.equal(await leaseExists(keep), true);
  });

  it('revoking a token revokes the leases it obtained', async () => {
    const t = await s.request('POST', 'auth/token/create', { policies: ['lkv-reader'] });
    const token = t.body.auth.client_token;
    const lease = (await readLeased('a', token)).lease_id;
    assert.equal(await leaseExists(lease), true);
    assert.equal((await s.request('POST', 'auth/token/revoke', { token })).status, 204);
    assert.equal(await leaseExists(lease), false);
  });

  it('token leases can be looked up and revoked by prefix', async () => {
    const t = await s.request('POST', 'auth/token/create', { policies: ['default'], ttl: '1h' });
    const token = t.body.auth.client_token;
    const list = await s.request('LIST', 'sys/leases/lookup/auth/token/create/');
    assert.equal(list.status, 200);
    assert.ok(list.body.data.keys.length >= 1);
    assert.equal((await s.request('PUT', 'sys/leases/revoke-prefix/auth/token/create', {})).status, 204);
    assert.equal((await s.request('GET', 'auth/token/lookup-self', undefined, { token })).status, 403);
    // The root token (no lease) survives.
    assert.equal((await s.request('GET', 'auth/token/lookup-self')).status, 200);
  });
});
