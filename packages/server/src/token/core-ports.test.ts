import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError, type Response } from '@coffer/sdk';
import { createLeasePort, createTokenPort } from './core-ports.js';
import { tokenHarness } from './test-support.js';

describe('core ports', () => {
  it('authenticates, counts uses and revokes through the TokenPort', async () => {
    const h = tokenHarness();
    const port = createTokenPort(h.store);
    const root = await h.store.createRootToken();
    const created = await h.store.create((await h.store.lookup(root.id))!, { path: 'create', hasSudo: true, policies: ['a'], numUses: 1 });
    const info = await port.check(created.entry.id, '127.0.0.1');
    assert.deepEqual(info.policies, ['a', 'default']);
    assert.equal(info.numUses, 1);
    assert.equal(await port.use(info), true, 'the only use is the last one');
    await assert.rejects(port.check(created.entry.id, undefined), (err: unknown) => isCofferError(err) && err.code === 'permission_denied');
    await port.revoke(created.entry.id);
    assert.equal(await h.store.lookup(created.entry.id, { tainted: true }), null);
  });

  it('issues login tokens and wrapping tokens', async () => {
    const h = tokenHarness();
    const port = createTokenPort(h.store);
    const rendered = await port.issueFromAuth({
      auth: { policies: ['web'], metadata: { user: 'bob' }, displayName: 'userpass-bob', ttl: 0, maxTtl: 0, renewable: true },
      path: 'auth/userpass/login/bob',
      mountAccessor: 'auth_userpass_1',
      mountType: 'userpass',
      defaultTtl: 600,
      maxTtl: 1200,
    });
    assert.match(rendered.client_token, /^hvs\./);
    assert.deepEqual(rendered.policies, ['default', 'web']);
    assert.equal(rendered.lease_duration, 600);
    assert.equal(rendered.orphan, true);
    assert.deepEqual(rendered.metadata, { user: 'bob' });
    const wrapping = await port.createWrappingToken({ ttl: 60, creationPath: 'sys/wrapping/wrap' });
    assert.deepEqual((await port.check(wrapping.token, undefined)).policies, ['response-wrapping']);
  });

  it("charges secrets to the caller's token, so revoking it revokes them", async () => {
    const h = tokenHarness();
    const leases = createLeasePort(h.expiration, h.store);
    const root = await h.store.createRootToken();
    const child = await h.store.create((await h.store.lookup(root.id))!, { path: 'create', hasSudo: true, policies: ['db'] });
    const response: Response = { data: { user: 'x' }, secret: { ttl: 0, maxTtl: 0, renewable: true, internalData: { secret_type: 'creds' } } };
    const lease = await leases.registerSecret({ path: 'database/creds/ro', clientToken: child.entry.id, response, defaultTtl: 300, maxTtl: 600 });
    assert.equal(lease.ttl, 300);
    assert.equal(response.secret!.leaseId, lease.leaseId);
    await h.store.revokeTree(child.entry.id);
    await h.expiration.processDue();
    assert.deepEqual(h.revokedSecrets, [lease.leaseId]);
  });
});
