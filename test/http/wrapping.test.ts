import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('response wrapping over HTTP', () => {
  let s: InProcessServer;
  const wrapped = async (method: string, path: string, body?: unknown, ttl = '5m', token?: string) => {
    const res = await s.request(method, path, body, { headers: { 'X-Vault-Wrap-TTL': ttl }, ...(token ? { token } : {}) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  before(async () => {
    s = await startInProcessServer();
    assert.equal((await s.request('POST', 'secret/data/wrapme', { data: { password: 'hunter2' } })).status, 200);
  });
  after(async () => {
    await s.close();
  });

  it('X-Vault-Wrap-TTL on a KV read returns only wrap_info', async () => {
    const body = await wrapped('GET', 'secret/data/wrapme');
    assert.equal(body.data, null);
    assert.equal(body.auth, null);
    const info = body.wrap_info;
    assert.ok(info);
    assert.match(info.token, /^hvs\./);
    assert.equal(typeof info.accessor, 'string');
    assert.equal(info.ttl, 300);
    assert.equal(info.creation_path, 'secret/data/wrapme');
    assert.ok(!Number.isNaN(Date.parse(info.creation_time)));
    assert.ok(!JSON.stringify(body).includes('hunter2'), 'the secret is not in the wrapped answer');
  });

  it('unwrap with the wrapping token as X-Vault-Token returns the data once', async () => {
    const { wrap_info: info } = await wrapped('GET', 'secret/data/wrapme');
    const un = await s.request('POST', 'sys/wrapping/unwrap', undefined, { token: info.token });
    assert.equal(un.status, 200, JSON.stringify(un.body));
    assert.equal(un.body.data.data.password, 'hunter2');
    assert.equal(un.body.data.metadata.version, 1);
    assert.equal(un.body.wrap_info, null);
    const again = await s.request('POST', 'sys/wrapping/unwrap', undefined, { token: info.token });
    assert.ok(again.status === 400 || again.status === 403, `second unwrap: ${again.status}`);
    assert.ok(!JSON.stringify(again.body).includes('hunter2'));
  });

  it('unwrap with the token in the body (by another token) returns the data once', async () => {
    const { wrap_info: info } = await wrapped('GET', 'secret/data/wrapme');
    const un = await s.request('POST', 'sys/wrapping/unwrap', { token: info.token });
    assert.equal(un.status, 200, JSON.stringify(un.body));
    assert.equal(un.body.data.data.password, 'hunter2');
    const again = await s.request('POST', 'sys/wrapping/unwrap', { token: info.token });
    assert.equal(again.status, 400);
    // A default-policy token may unwrap too (default grants sys/wrapping/unwrap).
    const t = await s.request('POST', 'auth/token/create', { policies: ['default'] });
    const { wrap_info: info2 } = await wrapped('GET', 'secret/data/wrapme');
    const un2 = await s.request('POST', 'sys/wrapping/unwrap', { token: info2.token }, { token: t.body.auth.client_token });
    assert.equal(un2.status, 200);
    assert.equal(un2.body.data.data.password, 'hunter2');
  });

  it('the wrapping token cannot be used for anything else, and misusing it burns it', async () => {
    const { wrap_info: info } = await wrapped('GET', 'secret/data/wrapme');
    assert.equal((await s.request('GET', 'secret/data/wrapme', undefined, { token: info.token })).status, 403);
    // Its single use went on the denied request (Vault charges denied requests too).
    const un = await s.request('POST', 'sys/wrapping/unwrap', undefined, { token: info.token });
    // Vault checks a wrapping token before anything else: a used one is a 400, not a 403.
    assert.equal(un.status, 400);
    assert.match(un.body.errors[0], /^wrapping token is not valid or does not exist/);
    assert.equal((await s.request('POST', 'sys/wrapping/lookup', { token: info.token })).status, 400);
  });

  it('only wrapping tokens can be unwrapped', async () => {
    await s.request('POST', 'cubbyhole/response', { data: 'planted' });
    const un = await s.request('POST', 'sys/wrapping/unwrap', {});
    assert.equal(un.status, 400);
    const t = await s.request('POST', 'auth/token/create', { policies: ['default'] });
    const other = await s.request('POST', 'sys/wrapping/unwrap', { token: t.body.auth.client_token });
    assert.equal(other.status, 400);
    assert.equal((await s.request('GET', 'auth/token/lookup-self', undefined, { token: t.body.auth.client_token })).status, 200, 'the token is untouched');
    assert.equal((await s.request('POST', 'sys/wrapping/lookup', { token: t.body.auth.client_token })).status, 400);
    assert.equal((await s.request('GET', 'auth/token/lookup-self')).status, 200, 'root is untouched');
  });

  it('the wrapping token as X-Vault-Token can look itself up without using itself', async () => {
    const { wrap_info: info } = await wrapped('GET', 'secret/data/wrapme');
    const look = await s.request('POST', 'sys/wrapping/lookup', {}, { token: info.token });
    assert.equal(look.status, 200, JSON.stringify(look.body));
    assert.equal(look.body.data.creation_path, 'secret/data/wrapme');
    const un = await s.request('POST', 'sys/wrapping/unwrap', undefined, { token: info.token });
    assert.equal(un.status, 200);
    assert.equal(un.body.data.data.password, 'hunter2');
  });

  it('concurrent unwraps of one token: exactly one succeeds', async () => {
    const { wrap_info: info } = await wrapped('GET', 'secret/data/wrapme');
    const results = await Promise.all([
      s.request('POST', 'sys/wrapping/unwrap', { token: info.token }),
      s.request('POST', 'sys/wrapping/unwrap', { token: info.token }),
      s.request('POST', 'sys/wrapping/unwrap', undefined, { token: info.token }),
    ]);
    assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.status).join(','));
  });

  it('lookup shows creation data, without a token too, and does not consume the wrap', async () => {
    const { wrap_info: info } = await wrapped('GET', 'secret/data/wrapme', undefined, '10m');
    const look = await s.request('POST', 'sys/wrapping/lookup', { token: info.token });
    assert.equal(look.status, 200, JSON.stringify(look.body));
    assert.equal(look.body.data.creation_path, 'secret/data/wrapme');
    assert.equal(look.body.data.creation_ttl, 600);
    assert.equal(look.body.data.creation_time, info.creation_time);
    const anonymous = await s.request('POST', 'sys/wrapping/lookup', { token: info.token }, { token: null });
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.body.data.creation_ttl, 600);
    assert.equal((await s.request('POST', 'sys/wrapping/lookup', { token: 'hvs.bogus' })).status, 400);
    assert.equal((await s.request('POST', 'sys/wrapping/unwrap', undefined, { token: info.token })).body.data.data.password, 'hunter2');
  });

  it('rewrap moves the answer to a new token; the old one is dead', async () => {
    const { wrap_info: info } = await wrapped('GET', 'secret/data/wrapme', undefined, '7m');
    const re = await s.request('POST', 'sys/wrapping/rewrap', { token: info.token });
    assert.equal(re.status, 200, JSON.stringify(re.body));
    const next = re.body.wrap_info;
    assert.ok(next?.token);
    assert.notEqual(next.token, info.token);
    assert.equal(next.ttl, 420);
    assert.equal(next.creation_path, 'secret/data/wrapme');
    assert.equal(re.body.data, null);
    assert.equal((await s.request('POST', 'sys/wrapping/unwrap', { token: info.token })).status, 400);
    const un = await s.request('POST', 'sys/wrapping/unwrap', { token: next.token });
    assert.equal(un.status, 200);
    assert.equal(un.body.data.data.password, 'hunter2');
  });

  it('sys/wrapping/wrap wraps arbitrary data', async () => {
    const body = await wrapped('POST', 'sys/wrapping/wrap', { anything: 'goes', nested: { n: 1 } }, '2m');
    assert.equal(body.data, null);
    assert.equal(body.wrap_info.ttl, 120);
    assert.equal(body.wrap_info.creation_path, 'sys/wrapping/wrap');
    const un = await s.request('POST', 'sys/wrapping/unwrap', { token: body.wrap_info.token });
    assert.equal(un.status, 200);
    assert.deepEqual(un.body.data, { anything: 'goes', nested: { n: 1 } });
    const noTtl = await s.request('POST', 'sys/wrapping/wrap', { a: 1 });
    assert.equal(noTtl.status, 400);
  });

  it('a wrapped token create carries wrapped_accessor; unwrap gives the token', async () => {
    const body = await wrapped('POST', 'auth/token/create', { policies: ['default'], ttl: '1h' });
    assert.equal(body.auth, null);
    const info = body.wrap_info;
    assert.equal(info.creation_path, 'auth/token/create');
    assert.ok(info.wrapped_accessor);
    const un = await s.request('POST', 'sys/wrapping/unwrap', { token: info.token });
    assert.equal(un.status, 200, JSON.stringify(un.body));
    assert.equal(un.body.auth.accessor, info.wrapped_accessor);
    const token = un.body.auth.client_token;
    const self = await s.request('GET', 'auth/token/lookup-self', undefined, { token });
    assert.equal(self.status, 200);
    assert.equal(self.body.data.accessor, info.wrapped_accessor);
  });

  it('refuses a bad wrap TTL', async () => {
    const res = await s.request('GET', 'secret/data/wrapme', undefined, { headers: { 'X-Vault-Wrap-TTL': 'soon' } });
    assert.equal(res.status, 400);
  });

  it('policies can require wrapping (max_wrapping_ttl)', async () => {
    await s.request('PUT', 'sys/policies/acl/must-wrap', { policy: 'path "secret/data/wrapme" { capabilities = ["read"]\n max_wrapping_ttl = "10m" }' });
    const t = await s.request('POST', 'auth/token/create', { policies: ['must-wrap'] });
    const token = t.body.auth.client_token;
    assert.equal((await s.request('GET', 'secret/data/wrapme', undefined, { token })).status, 403);
    assert.equal((await s.request('GET', 'secret/data/wrapme', undefined, { token, headers: { 'X-Vault-Wrap-TTL': '1h' } })).status, 403);
    const ok = await s.request('GET', 'secret/data/wrapme', undefined, { token, headers: { 'X-Vault-Wrap-TTL': '5m' } });
    assert.equal(ok.status, 200);
    assert.ok(ok.body.wrap_info.token);
  });
});
