import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('auth/token/create over HTTP', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
    await s.request('PUT', 'sys/policies/acl/p1', { policy: 'path "secret/data/p1/*" { capabilities = ["read"] }' });
    await s.request('PUT', 'sys/policies/acl/p2', { policy: 'path "secret/data/p2/*" { capabilities = ["read"] }' });
    await s.request('PUT', 'sys/policies/acl/creator', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
    await s.request('PUT', 'sys/policies/acl/sudo-creator', { policy: 'path "auth/token/create" { capabilities = ["update", "sudo"] }' });
    await s.request('POST', 'secret/data/p1/x', { data: { v: 'p1' } });
    await s.request('POST', 'secret/data/p2/x', { data: { v: 'p2' } });
  });
  after(async () => {
    await s.close();
  });

  it('creates a service token with policies, ttl, metadata and display name', async () => {
    const res = await s.request('POST', 'auth/token/create', { policies: ['p1'], ttl: '1h', meta: { team: 'blue' }, display_name: 'ci job' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const auth = res.body.auth;
    assert.match(auth.client_token, /^hvs\./);
    assert.equal(typeof auth.accessor, 'string');
    assert.ok(auth.accessor.length > 0);
    assert.deepEqual(auth.policies, ['default', 'p1']);
    assert.deepEqual(auth.token_policies, ['default', 'p1']);
    assert.deepEqual(auth.metadata, { team: 'blue' });
    assert.equal(auth.lease_duration, 3600);
    assert.equal(auth.renewable, true);
    assert.equal(auth.token_type, 'service');
    assert.equal(auth.orphan, false);
    assert.equal(res.body.data, null);
    assert.equal(res.body.lease_id, '');

    const look = await s.request('POST', 'auth/token/lookup', { token: auth.client_token });
    assert.equal(look.status, 200);
    assert.equal(look.body.data.display_name, 'token-ci-job');
    assert.equal(look.body.data.path, 'auth/token/create');
    assert.equal(look.body.data.creation_ttl, 3600);
    assert.deepEqual(look.body.data.meta, { team: 'blue' });

    // The token reads what p1 allows and nothing else.
    assert.equal((await s.request('GET', 'secret/data/p1/x', undefined, { token: auth.client_token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/p2/x', undefined, { token: auth.client_token })).status, 403);
  });

  it('no_default_policy leaves out "default"', async () => {
    const res = await s.request('POST', 'auth/token/create', { policies: ['p1'], no_default_policy: true });
    assert.deepEqual(res.body.auth.policies, ['p1']);
    // Without default it cannot even look itself up.
    assert.equal((await s.request('GET', 'auth/token/lookup-self', undefined, { token: res.body.auth.client_token })).status, 403);
  });

  it('explicit_max_ttl caps the ttl', async () => {
    const res = await s.request('POST', 'auth/token/create', { ttl: '2h', explicit_max_ttl: '1h', policies: ['default'] });
    assert.equal(res.status, 200);
    assert.equal(res.body.auth.lease_duration, 3600);
    const look = await s.request('POST', 'auth/token/lookup', { token: res.body.auth.client_token });
    assert.equal(look.body.data.explicit_max_ttl, 3600);
  });

  it('periodic tokens (root only) report their period', async () => {
    const res = await s.request('POST', 'auth/token/create', { period: '30m', policies: ['default'] });
    assert.equal(res.status, 200);
    assert.equal(res.body.auth.lease_duration, 1800);
    const look = await s.request('POST', 'auth/token/lookup', { token: res.body.auth.client_token });
    assert.equal(look.body.data.period, 1800);
    // Without sudo a periodic token is refused.
    const t = await s.request('POST', 'auth/token/create', { policies: ['creator', 'p1'] });
    const denied = await s.request('POST', 'auth/token/create', { period: '30m', policies: ['p1'] }, { token: t.body.auth.client_token });
    assert.equal(denied.status, 400);
  });

  it('a token with num_uses=2 can be used twice, then it is gone', async () => {
    const res = await s.request('POST', 'auth/token/create', { policies: ['p1'], num_uses: 2 });
    assert.equal(res.status, 200);
    assert.equal(res.body.auth.num_uses, 2);
    const token = res.body.auth.client_token;
    assert.equal((await s.request('GET', 'secret/data/p1/x', undefined, { token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/p1/x', undefined, { token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/p1/x', undefined, { token })).status, 403);
    assert.equal((await s.request('POST', 'auth/token/lookup', { token })).status, 403);
  });

  it('a denied request uses up a use too (as in Vault: no free probing)', async () => {
    const res = await s.request('POST', 'auth/token/create', { policies: ['p1'], num_uses: 2 });
    const token = res.body.auth.client_token;
    assert.equal((await s.request('GET', 'secret/data/p2/x', undefined, { token })).status, 403);
    assert.equal((await s.request('GET', 'secret/data/p1/x', undefined, { token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/p1/x', undefined, { token })).status, 403);
    const lookup = await s.request('POST', 'auth/token/lookup', { token });
    assert.equal(lookup.status, 403, 'the token is gone');
  });

  it('a limited-use token cannot create child tokens', async () => {
    const res = await s.request('POST', 'auth/token/create', { policies: ['creator', 'p1'], num_uses: 3 });
    const child = await s.request('POST', 'auth/token/create', { policies: ['p1'] }, { token: res.body.auth.client_token });
    assert.equal(child.status, 400);
  });

  it('child policies must be a subset of the parent\'s unless root or sudo', async () => {
    const parent = await s.request('POST', 'auth/token/create', { policies: ['creator', 'p1'] });
    const token = parent.body.auth.client_token;
    const ok = await s.request('POST', 'auth/token/create', { policies: ['p1'] }, { token });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.auth.policies, ['default', 'p1']);
    const inherit = await s.request('POST', 'auth/token/create', {}, { token });
    assert.deepEqual(inherit.body.auth.policies, ['creator', 'default', 'p1']);
    const bad = await s.request('POST', 'auth/token/create', { policies: ['p2'] }, { token });
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors.join(' '), /subset/);
    const rootPolicy = await s.request('POST', 'auth/token/create', { policies: ['root'] }, { token });
    assert.equal(rootPolicy.status, 400);

    const sudoParent = await s.request('POST', 'auth/token/create', { policies: ['sudo-creator'] });
    const sudoChild = await s.request('POST', 'auth/token/create', { policies: ['p2'] }, { token: sudoParent.body.auth.client_token });
    assert.equal(sudoChild.status, 200, JSON.stringify(sudoChild.body));
    assert.deepEqual(sudoChild.body.auth.policies, ['default', 'p2']);
    // sudo is not root: a root child needs a root parent.
    const sudoRoot = await s.request('POST', 'auth/token/create', { policies: ['root'] }, { token: sudoParent.body.auth.client_token });
    assert.equal(sudoRoot.status, 400);
    // Root can create anything, a root token included.
    const rootChild = await s.request('POST', 'auth/token/create', { policies: ['root'] });
    assert.equal(rootChild.status, 200);
    assert.deepEqual(rootChild.body.auth.policies, ['root']);
  });

  it('orphans: create-orphan, no_parent (sudo only)', async () => {
    const o = await s.request('POST', 'auth/token/create-orphan', { policies: ['p1'] });
    assert.equal(o.status, 200);
    assert.equal(o.body.auth.orphan, true);
    const np = await s.request('POST', 'auth/token/create', { policies: ['p1'], no_parent: true });
    assert.equal(np.body.auth.orphan, true);
    const parent = await s.request('POST', 'auth/token/create', { policies: ['creator', 'p1'] });
    const refused = await s.request('POST', 'auth/token/create', { policies: ['p1'], no_parent: true }, { token: parent.body.auth.client_token });
    assert.equal(refused.status, 400);
    // create-orphan is governed by the ACL on its own path.
    const noAcl = await s.request('POST', 'auth/token/create-orphan', { policies: ['p1'] }, { token: parent.body.auth.client_token });
    assert.equal(noAcl.status, 403);
  });

  it('custom token id needs root or sudo', async () => {
    const res = await s.request('POST', 'auth/token/create', { id: 'my-own-token-id', policies: ['p1'] });
    assert.equal(res.status, 200);
    assert.equal(res.body.auth.client_token, 'my-own-token-id');
    assert.equal((await s.request('GET', 'secret/data/p1/x', undefined, { token: 'my-own-token-id' })).status, 200);
    const parent = await s.request('POST', 'auth/token/create', { policies: ['creator', 'p1'] });
    const refused = await s.request('POST', 'auth/token/create', { id: 'other-id', policies: ['p1'] }, { token: parent.body.auth.client_token });
    assert.equal(refused.status, 400);
  });

  it('batch tokens: hvb. prefix, not renewable, usable, not revocable', async () => {
    const res = await s.request('POST', 'auth/token/create', { type: 'batch', policies: ['p1'], ttl: '10m' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const auth = res.body.auth;
    assert.match(auth.client_token, /^hvb\./);
    assert.equal(auth.token_type, 'batch');
    assert.equal(auth.renewable, false);
    assert.equal(auth.lease_duration, 600);
    assert.equal((await s.request('GET', 'secret/data/p1/x', undefined, { token: auth.client_token })).status, 200);
    const look = await s.request('POST', 'auth/token/lookup', { token: auth.client_token });
    assert.equal(look.status, 200);
    assert.equal(look.body.data.type, 'batch');
    assert.equal(look.body.data.renewable, false);
    const renew = await s.request('POST', 'auth/token/renew', { token: auth.client_token });
    assert.equal(renew.status, 400);
    const renewSelf = await s.request('POST', 'auth/token/renew-self', {}, { token: auth.client_token });
    assert.ok(renewSelf.status === 400 || renewSelf.status === 403, `renew-self of a batch token: ${renewSelf.status}`);
    const revoke = await s.request('POST', 'auth/token/revoke', { token: auth.client_token });
    assert.equal(revoke.status, 400);
    // A batch token cannot create tokens.
    const b2 = await s.request('POST', 'auth/token/create', { type: 'batch', policies: ['creator', 'p1'] });
    assert.equal((await s.request('POST', 'auth/token/create', { policies: ['p1'] }, { token: b2.body.auth.client_token })).status, 400);
    // Batch tokens cannot have num_uses, period or explicit_max_ttl.
    assert.equal((await s.request('POST', 'auth/token/create', { type: 'batch', num_uses: 3 })).status, 400);
    assert.equal((await s.request('POST', 'auth/token/create', { type: 'batch', period: '1h' })).status, 400);
    assert.equal((await s.request('POST', 'auth/token/create', { type: 'bogus' })).status, 400);
  });

  it('refuses bad input', async () => {
    assert.equal((await s.request('POST', 'auth/token/create', { ttl: 'forever' })).status, 400);
    assert.equal((await s.request('POST', 'auth/token/create', { num_uses: -1 })).status, 400);
    assert.equal((await s.request('POST', 'auth/token/create', { policies: ['does-not-exist'] })).status, 200, 'Vault accepts unknown policy names');
  });
});

describe('auth/token roles over HTTP', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
    await s.request('PUT', 'sys/policies/acl/p1', { policy: 'path "secret/data/p1/*" { capabilities = ["read"] }' });
    await s.request('PUT', 'sys/policies/acl/p2', { policy: 'path "secret/data/p2/*" { capabilities = ["read"] }' });
    await s.request('POST', 'secret/data/p1/x', { data: { v: 'p1' } });
  });
  after(async () => {
    await s.close();
  });

  it('role CRUD and list', async () => {
    const w = await s.request('POST', 'auth/token/roles/app', { allowed_policies: ['p1', 'p2'], orphan: true, token_period: '1h', token_explicit_max_ttl: '0', renewable: true });
    assert.equal(w.status, 204, JSON.stringify(w.body));
    const r = await s.request('GET', 'auth/token/roles/app');
    assert.equal(r.status, 200);
    assert.equal(r.body.data.name, 'app');
    assert.deepEqual(r.body.data.allowed_policies, ['p1', 'p2']);
    assert.equal(r.body.data.orphan, true);
    assert.equal(r.body.data.token_period, 3600);
    assert.equal(r.body.data.renewable, true);
    assert.equal((await s.request('POST', 'auth/token/roles/other', { allowed_policies: 'p1' })).status, 204);
    const list = await s.request('LIST', 'auth/token/roles');
    assert.equal(list.status, 200);
    assert.deepEqual([...list.body.data.keys].sort(), ['app', 'other']);
    const listQ = await s.request('GET', 'auth/token/roles?list=true');
    assert.deepEqual([...listQ.body.data.keys].sort(), ['app', 'other']);
    // Update keeps what was not sent.
    assert.equal((await s.request('POST', 'auth/token/roles/app', { orphan: false })).status, 204);
    const r2 = await s.request('GET', 'auth/token/roles/app');
    assert.equal(r2.body.data.orphan, false);
    assert.deepEqual(r2.body.data.allowed_policies, ['p1', 'p2']);
    assert.equal((await s.request('DELETE', 'auth/token/roles/other')).status, 204);
    assert.equal((await s.request('GET', 'auth/token/roles/other')).status, 404);
    assert.deepEqual((await s.request('LIST', 'auth/token/roles')).body.data.keys, ['app']);
  });

  it('creating against a role applies its policies, orphan flag and period', async () => {
    await s.request('POST', 'auth/token/roles/svc', { allowed_policies: ['p1'], orphan: true, token_period: '20m' });
    const res = await s.request('POST', 'auth/token/create/svc', {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.auth.policies, ['default', 'p1']);
    assert.equal(res.body.auth.orphan, true);
    assert.equal(res.body.auth.lease_duration, 1200);
    const look = await s.request('POST', 'auth/token/lookup', { token: res.body.auth.client_token });
    assert.equal(look.body.data.role, 'svc');
    assert.equal(look.body.data.path, 'auth/token/create/svc');
    const outside = await s.request('POST', 'auth/token/create/svc', { policies: ['p2'] });
    assert.equal(outside.status, 400);
    const unknownRole = await s.request('POST', 'auth/token/create/nope', {});
    assert.equal(unknownRole.status, 400);
  });

  it('a role can make batch tokens', async () => {
    // As in Vault, a batch role must make orphan, non-renewable tokens.
    assert.equal((await s.request('POST', 'auth/token/roles/batchy', { allowed_policies: ['p1'], token_type: 'batch' })).status, 400);
    assert.equal((await s.request('POST', 'auth/token/roles/batchy', { allowed_policies: ['p1'], token_type: 'batch', orphan: true, renewable: false })).status, 204);
    const res = await s.request('POST', 'auth/token/create/batchy', {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.body.auth.client_token, /^hvb\./);
  });

  it('bound CIDRs: 127.0.0.1/32 works, 10.0.0.0/8 is refused', async () => {
    assert.equal((await s.request('POST', 'auth/token/roles/local', { allowed_policies: ['p1'], token_bound_cidrs: ['127.0.0.1/32'] })).status, 204);
    assert.equal((await s.request('POST', 'auth/token/roles/remote', { allowed_policies: ['p1'], token_bound_cidrs: '10.0.0.0/8' })).status, 204);
    const local = await s.request('POST', 'auth/token/create/local', {});
    const remote = await s.request('POST', 'auth/token/create/remote', {});
    assert.equal(local.status, 200);
    assert.equal(remote.status, 200);
    assert.equal((await s.request('GET', 'secret/data/p1/x', undefined, { token: local.body.auth.client_token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/p1/x', undefined, { token: remote.body.auth.client_token })).status, 403);
    const look = await s.request('POST', 'auth/token/lookup', { token: remote.body.auth.client_token });
    assert.deepEqual(look.body.data.bound_cidrs, ['10.0.0.0/8']);
    const bad = await s.request('POST', 'auth/token/roles/badcidr', { token_bound_cidrs: 'not-a-cidr' });
    assert.equal(bad.status, 400);
  });
});
