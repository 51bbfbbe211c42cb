import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

interface Made {
  token: string;
  accessor: string;
}

describe('auth/token lookup, renew and revoke over HTTP', () => {
  let s: InProcessServer;
  const make = async (body: Record<string, unknown> = {}, token?: string): Promise<Made> => {
    const res = await s.request('POST', 'auth/token/create', { policies: ['default'], ...body }, token ? { token } : {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { token: res.body.auth.client_token, accessor: res.body.auth.accessor };
  };
  const alive = async (token: string): Promise<boolean> => (await s.request('GET', 'auth/token/lookup-self', undefined, { token })).status === 200;

  before(async () => {
    s = await startInProcessServer();
    await s.request('PUT', 'sys/policies/acl/creator', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
    await s.request('PUT', 'sys/policies/acl/accessor-lister', { policy: 'path "auth/token/accessors" { capabilities = ["list"] }\npath "auth/token/accessors/" { capabilities = ["list"] }' });
    await s.request('PUT', 'sys/policies/acl/accessor-sudo', { policy: 'path "auth/token/accessors/*" { capabilities = ["list", "sudo"] }\npath "auth/token/accessors" { capabilities = ["list", "sudo"] }' });
  });
  after(async () => {
    await s.close();
  });

  it('lookup (body and GET), lookup-self, lookup-accessor', async () => {
    const t = await make({ ttl: '1h', meta: { a: 'b' } });
    const look = await s.request('POST', 'auth/token/lookup', { token: t.token });
    assert.equal(look.status, 200);
    const d = look.body.data;
    assert.equal(d.id, t.token);
    assert.equal(d.accessor, t.accessor);
    assert.deepEqual(d.policies, ['default']);
    assert.equal(d.type, 'service');
    assert.equal(d.orphan, false);
    assert.equal(d.renewable, true);
    assert.equal(d.num_uses, 0);
    assert.equal(d.creation_ttl, 3600);
    assert.ok(d.ttl > 3500 && d.ttl <= 3600);
    assert.equal(typeof d.expire_time, 'string');
    assert.equal(typeof d.issue_time, 'string');
    assert.equal(typeof d.creation_time, 'number');
    assert.deepEqual(d.meta, { a: 'b' });

    const self = await s.request('GET', 'auth/token/lookup-self', undefined, { token: t.token });
    assert.equal(self.status, 200);
    assert.equal(self.body.data.id, t.token);

    const byAccessor = await s.request('POST', 'auth/token/lookup-accessor', { accessor: t.accessor });
    assert.equal(byAccessor.status, 200);
    assert.equal(byAccessor.body.data.id, '', 'no token id through an accessor');
    assert.equal(byAccessor.body.data.accessor, t.accessor);

    assert.equal((await s.request('POST', 'auth/token/lookup', { token: 'hvs.unknown' })).status, 403);
    assert.equal((await s.request('POST', 'auth/token/lookup-accessor', { accessor: 'unknown' })).status, 400);
    assert.equal((await s.request('POST', 'auth/token/lookup-accessor', {})).status, 400);
    // The root token looks itself up.
    const root = await s.request('GET', 'auth/token/lookup-self');
    assert.deepEqual(root.body.data.policies, ['root']);
    assert.equal(root.body.data.expire_time, null);
    assert.equal(root.body.data.ttl, 0);
  });

  it('a default-policy token may look up and renew only itself', async () => {
    const t = await make();
    const other = await make();
    assert.equal((await s.request('POST', 'auth/token/lookup', { token: other.token }, { token: t.token })).status, 403);
    assert.equal((await s.request('POST', 'auth/token/renew-self', {}, { token: t.token })).status, 200);
    assert.equal((await s.request('POST', 'auth/token/renew', { token: other.token }, { token: t.token })).status, 403);
  });

  it('renew, renew-self and renew-accessor', async () => {
    const t = await make({ ttl: '10m', explicit_max_ttl: '2h' });
    const renew = await s.request('POST', 'auth/token/renew', { token: t.token, increment: '1h' });
    assert.equal(renew.status, 200, JSON.stringify(renew.body));
    assert.equal(renew.body.auth.client_token, t.token);
    assert.equal(renew.body.auth.lease_duration, 3600);
    assert.equal(renew.body.auth.renewable, true);

    const self = await s.request('POST', 'auth/token/renew-self', { increment: 1800 }, { token: t.token });
    assert.equal(self.status, 200);
    assert.equal(self.body.auth.lease_duration, 1800);

    const acc = await s.request('POST', 'auth/token/renew-accessor', { accessor: t.accessor, increment: '45m' });
    assert.equal(acc.status, 200);
    assert.equal(acc.body.auth.client_token, '', 'renew-accessor does not reveal the token');
    assert.equal(acc.body.auth.lease_duration, 2700);

    // Capped by explicit_max_ttl.
    const capped = await s.request('POST', 'auth/token/renew', { token: t.token, increment: '10h' });
    assert.equal(capped.status, 200);
    assert.ok(capped.body.auth.lease_duration <= 7200);
    assert.ok(capped.body.warnings?.length > 0, 'a warning says the TTL was capped');

    const notRenewable = await make({ renewable: false });
    assert.equal((await s.request('POST', 'auth/token/renew', { token: notRenewable.token })).status, 400);
    assert.equal((await s.request('POST', 'auth/token/renew', {})).status, 400);
    assert.equal((await s.request('POST', 'auth/token/renew-accessor', { accessor: 'nope' })).status, 400);
  });

  it('revoke, revoke-self, revoke-accessor', async () => {
    const a = await make();
    assert.equal((await s.request('POST', 'auth/token/revoke', { token: a.token })).status, 204);
    assert.equal(await alive(a.token), false);
    // Revoking again (or an unknown token) quietly succeeds.
    assert.equal((await s.request('POST', 'auth/token/revoke', { token: a.token })).status, 204);
    assert.equal((await s.request('POST', 'auth/token/revoke', {})).status, 400);

    const b = await make();
    assert.equal((await s.request('POST', 'auth/token/revoke-self', {}, { token: b.token })).status, 204);
    assert.equal(await alive(b.token), false);

    const c = await make();
    assert.equal((await s.request('POST', 'auth/token/revoke-accessor', { accessor: c.accessor })).status, 204);
    assert.equal(await alive(c.token), false);
    assert.equal((await s.request('POST', 'auth/token/lookup-accessor', { accessor: c.accessor })).status, 400);
  });

  it('revoking a parent revokes its children; revoke-orphan keeps them', async () => {
    const parent = await make({ policies: ['creator', 'default'] });
    const child = await make({}, parent.token);
    const grandchild = await make({ policies: ['creator', 'default'] }, parent.token);
    const great = await make({}, grandchild.token);
    assert.equal(await alive(child.token), true);
    assert.equal((await s.request('POST', 'auth/token/revoke', { token: parent.token })).status, 204);
    for (const t of [parent, child, grandchild, great]) assert.equal(await alive(t.token), false);

    const p2 = await make({ policies: ['creator', 'default'] });
    const c2 = await make({}, p2.token);
    const orphaned = await s.request('POST', 'auth/token/revoke-orphan', { token: p2.token });
    assert.equal(orphaned.status, 204);
    assert.equal(await alive(p2.token), false);
    assert.equal(await alive(c2.token), true);
    const look = await s.request('POST', 'auth/token/lookup', { token: c2.token });
    assert.equal(look.body.data.orphan, true);

    // An orphan survives its creator.
    const p3 = await make({ policies: ['creator', 'default'] });
    await s.request('PUT', 'sys/policies/acl/orphan-maker', { policy: 'path "auth/token/create-orphan" { capabilities = ["update"] }' });
    const p4 = await make({ policies: ['orphan-maker', 'default'] });
    const o = await s.request('POST', 'auth/token/create-orphan', {}, { token: p4.token });
    assert.equal(o.status, 200);
    assert.equal((await s.request('POST', 'auth/token/revoke', { token: p4.token })).status, 204);
    assert.equal(await alive(o.body.auth.client_token), true);
    assert.equal(await alive(p3.token), true);
  });

  it('revoke-orphan needs sudo', async () => {
    await s.request('PUT', 'sys/policies/acl/orphaner', { policy: 'path "auth/token/revoke-orphan" { capabilities = ["update"] }' });
    const t = await make({ policies: ['orphaner'] });
    const victim = await make();
    const res = await s.request('POST', 'auth/token/revoke-orphan', { token: victim.token }, { token: t.token });
    // Vault's handler checks sudo itself and answers 400 (the router protects only revoke-orphan/*).
    assert.equal(res.status, 400);
    assert.match(res.body.errors.join(' '), /sudo/);
    assert.equal(await alive(victim.token), true);
  });

  it('LIST auth/token/accessors needs sudo', async () => {
    const t = await make();
    const list = await s.request('LIST', 'auth/token/accessors');
    assert.equal(list.status, 200);
    assert.ok(list.body.data.keys.includes(t.accessor));
    const noSudo = await make({ policies: ['accessor-lister'] });
    assert.equal((await s.request('LIST', 'auth/token/accessors', undefined, { token: noSudo.token })).status, 403);
    const withSudo = await make({ policies: ['accessor-sudo'] });
    const ok = await s.request('LIST', 'auth/token/accessors', undefined, { token: withSudo.token });
    assert.equal(ok.status, 200);
    assert.ok(ok.body.data.keys.includes(withSudo.accessor));
  });

  it('tidy answers 202 with a warning', async () => {
    const res = await s.request('POST', 'auth/token/tidy', {});
    assert.equal(res.status, 202);
    assert.ok(res.body.warnings.length > 0);
  });
});
