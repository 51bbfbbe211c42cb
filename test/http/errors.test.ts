import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

/** Create a token with the given extra fields; returns client_token. */
async function createToken(s: InProcessServer, body: Record<string, unknown> = {}): Promise<{ token: string; accessor: string }> {
  const res = await s.request('POST', 'auth/token/create', body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { token: res.body.auth.client_token, accessor: res.body.auth.accessor };
}

async function raw(s: InProcessServer, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${s.address}/v1/${path}`, { method, headers: init.headers, body: init.body });
  const text = await res.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}

describe('HTTP errors', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
    const w = await s.request('POST', 'secret/data/app', { data: { password: 'p1' } });
    assert.equal(w.status, 200);
  });
  after(async () => {
    await s.close();
  });

  it('missing token is 403 with a Vault error body', async () => {
    const res = await s.request('GET', 'secret/data/app', undefined, { token: null });
    assert.equal(res.status, 403);
    assert.ok(Array.isArray(res.body.errors));
    assert.match(res.body.errors.join(' '), /permission denied/);
  });

  it('invalid token is 403', async () => {
    const res = await s.request('GET', 'secret/data/app', undefined, { token: 'hvs.notarealtoken' });
    assert.equal(res.status, 403);
    assert.match(res.body.errors.join(' '), /permission denied/);
  });

  it('expired token is 403', async () => {
    const { token } = await createToken(s, { ttl: '1s', policies: ['default'] });
    const ok = await s.request('GET', 'auth/token/lookup-self', undefined, { token });
    assert.equal(ok.status, 200);
    await sleep(1600);
    const res = await s.request('GET', 'auth/token/lookup-self', undefined, { token });
    assert.equal(res.status, 403);
  });

  it('revoked token is 403', async () => {
    const { token } = await createToken(s, { policies: ['default'] });
    assert.equal((await s.request('GET', 'auth/token/lookup-self', undefined, { token })).status, 200);
    const rv = await s.request('POST', 'auth/token/revoke', { token });
    assert.equal(rv.status, 204);
    const res = await s.request('GET', 'auth/token/lookup-self', undefined, { token });
    assert.equal(res.status, 403);
  });

  it('unknown path is 404 with an errors array', async () => {
    const res = await s.request('GET', 'nosuchmount/foo');
    assert.equal(res.status, 404);
    assert.ok(Array.isArray(res.body.errors));
    const sys = await s.request('GET', 'sys/definitely-not-a-path');
    assert.equal(sys.status, 404);
  });

  it('bad JSON is 400 and the server keeps answering', async () => {
    const res = await s.request('POST', 'secret/data/bad', '{"data": {', {});
    assert.equal(res.status, 400);
    assert.ok(Array.isArray(res.body.errors));
    assert.ok(res.body.errors.length > 0);
    const after = await s.request('GET', 'secret/data/app');
    assert.equal(after.status, 200);
    assert.equal(after.body.data.data.password, 'p1');
    // Nothing was written for the bad request.
    assert.equal((await s.request('GET', 'secret/data/bad')).status, 404);
  });

  it('LIST verb and ?list=true both list', async () => {
    await s.request('POST', 'secret/data/dir/one', { data: { a: 1 } });
    await s.request('POST', 'secret/data/dir/two', { data: { a: 2 } });
    const viaVerb = await s.request('LIST', 'secret/metadata/dir');
    assert.equal(viaVerb.status, 200);
    assert.deepEqual([...viaVerb.body.data.keys].sort(), ['one', 'two']);
    const viaQuery = await s.request('GET', 'secret/metadata/dir?list=true');
    assert.equal(viaQuery.status, 200);
    assert.deepEqual([...viaQuery.body.data.keys].sort(), ['one', 'two']);
  });

  it('X-Vault-Token and Authorization: Bearer both authenticate', async () => {
    const viaHeader = await raw(s, 'GET', 'secret/data/app', { headers: { 'X-Vault-Token': s.rootToken } });
    assert.equal(viaHeader.status, 200);
    const viaBearer = await raw(s, 'GET', 'secret/data/app', { headers: { Authorization: `Bearer ${s.rootToken}` } });
    assert.equal(viaBearer.status, 200);
    assert.equal(viaBearer.body.data.data.password, 'p1');
    const badBearer = await raw(s, 'GET', 'secret/data/app', { headers: { Authorization: 'Bearer nope' } });
    assert.equal(badBearer.status, 403);
  });

  it('X-Vault-Request header is accepted', async () => {
    const res = await s.request('GET', 'secret/data/app', undefined, { headers: { 'X-Vault-Request': 'true' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.data.password, 'p1');
  });

  it('policy denial is 403 and nothing is written', async () => {
    const p = await s.request('PUT', 'sys/policies/acl/reader', { policy: 'path "secret/data/app" { capabilities = ["read"] }' });
    assert.equal(p.status, 204);
    const { token } = await createToken(s, { policies: ['reader'] });
    assert.equal((await s.request('GET', 'secret/data/app', undefined, { token })).status, 200);
    const denied = await s.request('POST', 'secret/data/app', { data: { password: 'hacked' } }, { token });
    assert.equal(denied.status, 403);
    assert.match(denied.body.errors.join(' '), /permission denied/);
    const other = await s.request('POST', 'secret/data/other', { data: { x: 1 } }, { token });
    assert.equal(other.status, 403);
    const back = await s.request('GET', 'secret/data/app');
    assert.equal(back.body.data.data.password, 'p1');
    assert.equal(back.body.data.metadata.version, 1);
    assert.equal((await s.request('GET', 'secret/data/other')).status, 404);
  });
});

describe('HTTP request size limit', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer({ maxRequestSize: 1024 });
  });
  after(async () => {
    await s.close();
  });

  it('a body over max_request_size is 413 and nothing is written', async () => {
    const res = await s.request('POST', 'secret/data/big', { data: { blob: 'x'.repeat(4096) } });
    assert.equal(res.status, 413);
    assert.ok(Array.isArray(res.body.errors));
    assert.equal((await s.request('GET', 'secret/data/big')).status, 404);
    const small = await s.request('POST', 'secret/data/small', { data: { blob: 'x' } });
    assert.equal(small.status, 200);
  });
});

describe('HTTP sealed server', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
  });
  after(async () => {
    await s.close();
  });

  it('sealing makes requests 503 and unsealing brings the data back', async () => {
    assert.equal((await s.request('POST', 'secret/data/keep', { data: { v: 'kept' } })).status, 200);
    const seal = await s.request('PUT', 'sys/seal');
    assert.equal(seal.status, 204);
    // sys/seal answers before the seal completes; poll seal-status.
    let status: any;
    for (let i = 0; i < 50; i++) {
      status = await s.request('GET', 'sys/seal-status', undefined, { token: null });
      if (status.body.sealed) break;
      await sleep(20);
    }
    assert.equal(status.status, 200);
    assert.equal(status.body.sealed, true);
    assert.equal(status.body.initialized, true);
    assert.equal(status.body.t, 1);

    const read = await s.request('GET', 'secret/data/keep');
    assert.equal(read.status, 503);
    assert.match(read.body.errors.join(' '), /sealed/i);

    const unseal = await s.request('PUT', 'sys/unseal', { key: s.unsealKey }, { token: null });
    assert.equal(unseal.status, 200);
    assert.equal(unseal.body.sealed, false);

    const back = await s.request('GET', 'secret/data/keep');
    assert.equal(back.status, 200);
    assert.equal(back.body.data.data.v, 'kept');
  });

  it('sys/seal without sudo is refused', async () => {
    const pol = await s.request('PUT', 'sys/policies/acl/sealer', { policy: 'path "sys/seal" { capabilities = ["update"] }' });
    assert.equal(pol.status, 204);
    const t = await s.request('POST', 'auth/token/create', { policies: ['sealer'] });
    const res = await s.request('PUT', 'sys/seal', undefined, { token: t.body.auth.client_token });
    assert.equal(res.status, 403);
    const status = await s.request('GET', 'sys/seal-status', undefined, { token: null });
    assert.equal(status.body.sealed, false);
  });
});
