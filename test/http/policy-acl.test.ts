import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('ACL enforcement over HTTP', () => {
  let s: InProcessServer;
  const tokenWith = async (...policies: string[]): Promise<string> => {
    const res = await s.request('POST', 'auth/token/create', { policies });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.auth.client_token;
  };
  const policy = async (name: string, text: string) => {
    const res = await s.request('PUT', `sys/policies/acl/${name}`, { policy: text });
    assert.equal(res.status, 204, JSON.stringify(res.body));
  };

  before(async () => {
    s = await startInProcessServer();
    for (const path of ['a/one', 'a/two', 'a/deep/three', 'b/one', 'ab/one']) {
      assert.equal((await s.request('POST', `secret/data/${path}`, { data: { path } })).status, 200);
    }
    assert.equal((await s.request('POST', 'sys/mounts/kv1', { type: 'kv', options: { version: '1' } })).status, 204);
  });
  after(async () => {
    await s.close();
  });

  it('read on secret/data/a/* reads there and nowhere else', async () => {
    await policy('read-a', 'path "secret/data/a/*" { capabilities = ["read"] }');
    const token = await tokenWith('read-a');
    assert.equal((await s.request('GET', 'secret/data/a/one', undefined, { token })).body.data.data.path, 'a/one');
    assert.equal((await s.request('GET', 'secret/data/a/deep/three', undefined, { token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/b/one', undefined, { token })).status, 403);
    assert.equal((await s.request('GET', 'secret/data/ab/one', undefined, { token })).status, 403);
    assert.equal((await s.request('GET', 'secret/metadata/a/one', undefined, { token })).status, 403);
    // read does not give write, delete or list.
    assert.equal((await s.request('POST', 'secret/data/a/one', { data: { x: 1 } }, { token })).status, 403);
    assert.equal((await s.request('DELETE', 'secret/data/a/one', undefined, { token })).status, 403);
    assert.equal((await s.request('LIST', 'secret/metadata/a/', undefined, { token })).status, 403);
    assert.equal((await s.request('GET', 'secret/data/a/one')).body.data.metadata.version, 1);
  });

  it('list capability allows LIST and ?list=true but not read', async () => {
    await policy('list-a', 'path "secret/metadata/a/*" { capabilities = ["list"] }');
    const token = await tokenWith('list-a');
    const list = await s.request('LIST', 'secret/metadata/a/', undefined, { token });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual([...list.body.data.keys].sort(), ['deep/', 'one', 'two']);
    assert.equal((await s.request('GET', 'secret/metadata/a/?list=true', undefined, { token })).status, 200);
    assert.equal((await s.request('GET', 'secret/metadata/a/one', undefined, { token })).status, 403);
    assert.equal((await s.request('LIST', 'secret/metadata/b/', undefined, { token })).status, 403);
  });

  it('create vs update: the existence check decides', async () => {
    await policy('create-only', 'path "secret/data/c/*" { capabilities = ["create"] }');
    const token = await tokenWith('create-only');
    assert.equal((await s.request('POST', 'secret/data/c/new', { data: { v: 1 } }, { token })).status, 200);
    const again = await s.request('POST', 'secret/data/c/new', { data: { v: 2 } }, { token });
    assert.equal(again.status, 403, 'writing an existing secret is an update');
    assert.equal((await s.request('GET', 'secret/data/c/new')).body.data.data.v, 1);
  });

  it('deny wins over a grant from another policy', async () => {
    await policy('grant-a', 'path "secret/data/a/*" { capabilities = ["read", "create", "update"] }');
    await policy('deny-a-two', 'path "secret/data/a/two" { capabilities = ["deny"] }');
    await policy('deny-glob', 'path "secret/data/a/*" { capabilities = ["deny"] }');
    const token = await tokenWith('grant-a', 'deny-a-two');
    assert.equal((await s.request('GET', 'secret/data/a/one', undefined, { token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/a/two', undefined, { token })).status, 403);
    assert.equal((await s.request('POST', 'secret/data/a/two', { data: { x: 1 } }, { token })).status, 403);
    // Deny on the same glob as the grant wins whatever the order of the policies.
    const both = await tokenWith('deny-glob', 'grant-a');
    assert.equal((await s.request('GET', 'secret/data/a/one', undefined, { token: both })).status, 403);
    const both2 = await tokenWith('grant-a', 'deny-glob');
    assert.equal((await s.request('GET', 'secret/data/a/one', undefined, { token: both2 })).status, 403);
    assert.equal((await s.request('GET', 'secret/data/a/two')).body.data.metadata.version, 1);
  });

  it('the most specific rule wins (exact over glob, longer glob over shorter)', async () => {
    await policy('layers', ['path "secret/data/*" { capabilities = ["read"] }', 'path "secret/data/a/*" { capabilities = ["deny"] }', 'path "secret/data/a/one" { capabilities = ["read"] }'].join('\n'));
    const token = await tokenWith('layers');
    assert.equal((await s.request('GET', 'secret/data/b/one', undefined, { token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/a/two', undefined, { token })).status, 403);
    assert.equal((await s.request('GET', 'secret/data/a/one', undefined, { token })).status, 200);
  });

  it('+ segment wildcards', async () => {
    await policy('plus', 'path "secret/data/+/one" { capabilities = ["read"] }');
    const token = await tokenWith('plus');
    assert.equal((await s.request('GET', 'secret/data/a/one', undefined, { token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/b/one', undefined, { token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/a/two', undefined, { token })).status, 403);
    assert.equal((await s.request('GET', 'secret/data/a/deep/three', undefined, { token })).status, 403);
  });

  it('allowed_parameters, denied_parameters and required_parameters: 403 and nothing written', async () => {
    await policy(
      'params',
      `path "kv1/params" {
  capabilities = ["create", "update", "read"]
  allowed_parameters = {
    "color" = ["red", "blue"]
    "size" = []
  }
  required_parameters = ["color"]
}
path "kv1/denied" {
  capabilities = ["create", "update"]
  denied_parameters = {
    "admin" = ["true"]
  }
}`,
    );
    const token = await tokenWith('params');
    assert.equal((await s.request('POST', 'kv1/params', { color: 'red', size: 3 }, { token })).status, 204);
    const wrongValue = await s.request('POST', 'kv1/params', { color: 'green', size: 4 }, { token });
    assert.equal(wrongValue.status, 403);
    const missing = await s.request('POST', 'kv1/params', { size: 5 }, { token });
    assert.equal(missing.status, 403);
    const extra = await s.request('POST', 'kv1/params', { color: 'blue', owner: 'eve' }, { token });
    assert.equal(extra.status, 403);
    const stored = await s.request('GET', 'kv1/params');
    assert.deepEqual(stored.body.data, { color: 'red', size: 3 }, 'only the allowed write landed');

    assert.equal((await s.request('POST', 'kv1/denied', { admin: 'false', name: 'x' }, { token })).status, 204);
    const denied = await s.request('POST', 'kv1/denied', { admin: 'true', name: 'y' }, { token });
    assert.equal(denied.status, 403);
    assert.deepEqual((await s.request('GET', 'kv1/denied')).body.data, { admin: 'false', name: 'x' });
  });

  it('sudo-protected paths need sudo (sys/audit)', async () => {
    await policy('audit-read', 'path "sys/audit" { capabilities = ["read"] }');
    await policy('audit-sudo', 'path "sys/audit" { capabilities = ["read", "sudo"] }');
    const plain = await tokenWith('audit-read');
    const sudo = await tokenWith('audit-sudo');
    assert.equal((await s.request('GET', 'sys/audit', undefined, { token: plain })).status, 403);
    const ok = await s.request('GET', 'sys/audit', undefined, { token: sudo });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.data, {});
    assert.equal((await s.request('GET', 'sys/audit')).status, 200, 'root has sudo');
  });

  it('the default policy: cubbyhole and self lookup, nothing else', async () => {
    const token = await tokenWith('default');
    assert.equal((await s.request('POST', 'cubbyhole/note', { v: 'mine' }, { token })).status, 204);
    assert.equal((await s.request('GET', 'cubbyhole/note', undefined, { token })).body.data.v, 'mine');
    assert.equal((await s.request('GET', 'auth/token/lookup-self', undefined, { token })).status, 200);
    assert.equal((await s.request('POST', 'sys/capabilities-self', { path: 'secret/data/a/one' }, { token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/a/one', undefined, { token })).status, 403);
    assert.equal((await s.request('GET', 'sys/mounts', undefined, { token })).status, 403);
    assert.equal((await s.request('POST', 'auth/token/create', {}, { token })).status, 403);
    // Another token's cubbyhole is its own.
    const other = await tokenWith('default');
    assert.equal((await s.request('GET', 'cubbyhole/note', undefined, { token: other })).status, 404);
  });
});
