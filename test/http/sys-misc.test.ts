import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { decodeRootToken } from '@coffer/server/seal/index.js';

async function raw(s: InProcessServer, method: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.address}/v1/${path}`, { method, headers });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers };
}

async function waitSealed(s: InProcessServer): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const st = await s.request('GET', 'sys/seal-status', undefined, { token: null });
    if (st.body.sealed) return;
    await sleep(10);
  }
  assert.fail('server did not seal');
}

describe('sys capabilities over HTTP', () => {
  let s: InProcessServer;
  let token: string;
  let accessor: string;
  before(async () => {
    s = await startInProcessServer();
    const pol = await s.request('PUT', 'sys/policies/acl/caps', {
      policy: 'path "secret/data/app/*" { capabilities = ["read", "list"] }\npath "secret/data/app/locked" { capabilities = ["deny"] }\npath "sys/mounts" { capabilities = ["read", "sudo"] }',
    });
    assert.equal(pol.status, 204);
    const t = await s.request('POST', 'auth/token/create', { policies: ['caps'] });
    token = t.body.auth.client_token;
    accessor = t.body.auth.accessor;
  });
  after(async () => {
    await s.close();
  });

  it('sys/capabilities reports a token\'s capabilities per path', async () => {
    const res = await s.request('POST', 'sys/capabilities', { token, paths: ['secret/data/app/x', 'secret/data/other', 'secret/data/app/locked', 'sys/mounts'] });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data['secret/data/app/x'], ['list', 'read']);
    assert.deepEqual(res.body.data['secret/data/other'], ['deny']);
    assert.deepEqual(res.body.data['secret/data/app/locked'], ['deny']);
    assert.deepEqual(res.body.data['sys/mounts'], ['read', 'sudo']);
    assert.deepEqual(res.body['secret/data/app/x'], ['list', 'read'], 'legacy top-level keys');
    // A single path also answers under "capabilities" (old clients).
    const one = await s.request('POST', 'sys/capabilities', { token, path: 'secret/data/app/x' });
    assert.deepEqual(one.body.data.capabilities, ['list', 'read']);
    assert.deepEqual(one.body.capabilities, ['list', 'read']);
  });

  it('sys/capabilities-self and capabilities-accessor', async () => {
    const self = await s.request('POST', 'sys/capabilities-self', { paths: ['secret/data/app/x'] }, { token });
    assert.equal(self.status, 200);
    assert.deepEqual(self.body.data['secret/data/app/x'], ['list', 'read']);
    assert.deepEqual(self.body.data.capabilities, ['list', 'read']);
    const rootSelf = await s.request('POST', 'sys/capabilities-self', { path: 'anything/at/all' });
    assert.deepEqual(rootSelf.body.data.capabilities, ['root']);
    const byAccessor = await s.request('POST', 'sys/capabilities-accessor', { accessor, paths: ['secret/data/app/y', 'cubbyhole/foo'] });
    assert.equal(byAccessor.status, 200);
    assert.deepEqual(byAccessor.body.data['secret/data/app/y'], ['list', 'read']);
    // Tokens get the default policy, which grants the cubbyhole.
    assert.ok(byAccessor.body.data['cubbyhole/foo'].includes('read'));
  });

  it('refuses unknown tokens and accessors, and missing paths', async () => {
    assert.equal((await s.request('POST', 'sys/capabilities', { token: 'hvs.nope', paths: ['a'] })).status, 403);
    assert.equal((await s.request('POST', 'sys/capabilities-accessor', { accessor: 'nope', paths: ['a'] })).status, 400);
    assert.equal((await s.request('POST', 'sys/capabilities-self', {}, { token })).status, 400);
  });
});

describe('sys/tools over HTTP', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
  });
  after(async () => {
    await s.close();
  });

  it('random: default 32 bytes base64, bytes and format in the body', async () => {
    const def = await s.request('POST', 'sys/tools/random', {});
    assert.equal(def.status, 200);
    assert.equal(Buffer.from(def.body.data.random_bytes, 'base64').length, 32);
    const hex = await s.request('POST', 'sys/tools/random', { bytes: 16, format: 'hex' });
    assert.match(hex.body.data.random_bytes, /^[0-9a-f]{32}$/);
    const again = await s.request('POST', 'sys/tools/random', { bytes: 16, format: 'hex' });
    assert.notEqual(again.body.data.random_bytes, hex.body.data.random_bytes);
  });

  it('random: bytes and source in the URL', async () => {
    const url = await s.request('POST', 'sys/tools/random/24', { format: 'hex' });
    assert.equal(url.status, 200);
    assert.equal(url.body.data.random_bytes.length, 48);
    const src = await s.request('POST', 'sys/tools/random/platform/8', {});
    assert.equal(Buffer.from(src.body.data.random_bytes, 'base64').length, 8);
    const all = await s.request('POST', 'sys/tools/random/all', { bytes: 4, format: 'hex' });
    assert.equal(all.body.data.random_bytes.length, 8);
  });

  it('random: refuses bad sizes and formats', async () => {
    assert.equal((await s.request('POST', 'sys/tools/random', { bytes: 0 })).status, 400);
    assert.equal((await s.request('POST', 'sys/tools/random', { bytes: 1024 * 1024 })).status, 400);
    assert.equal((await s.request('POST', 'sys/tools/random', { format: 'binary' })).status, 400);
  });

  it('hash: algorithms and formats', async () => {
    const input = Buffer.from('hello coffer').toString('base64');
    const expect = (algo: string, enc: 'hex' | 'base64') => createHash(algo).update('hello coffer').digest(enc);
    const def = await s.request('POST', 'sys/tools/hash', { input });
    assert.equal(def.status, 200);
    assert.equal(def.body.data.sum, expect('sha256', 'hex'));
    const inBody = await s.request('POST', 'sys/tools/hash', { input, algorithm: 'sha2-512', format: 'base64' });
    assert.equal(inBody.body.data.sum, expect('sha512', 'base64'));
    for (const [name, node] of [['sha2-224', 'sha224'], ['sha2-384', 'sha384'], ['sha3-256', 'sha3-256'], ['sha3-512', 'sha3-512']] as const) {
      const res = await s.request('POST', `sys/tools/hash/${name}`, { input });
      assert.equal(res.status, 200, name);
      assert.equal(res.body.data.sum, expect(node, 'hex'), name);
    }
    assert.equal((await s.request('POST', 'sys/tools/hash/md5', { input })).status, 400);
    assert.equal((await s.request('POST', 'sys/tools/hash', { input, format: 'raw' })).status, 400);
  });
});

describe('sys key-status, rotate, health, leader, openapi, help (dev server)', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
  });
  after(async () => {
    await s.close();
  });

  it('key-status and rotate: the term increments and old data still reads', async () => {
    assert.equal((await s.request('POST', 'secret/data/before-rotate', { data: { v: 1 } })).status, 200);
    const before = await s.request('GET', 'sys/key-status');
    assert.equal(before.status, 200);
    assert.equal(before.body.data.term, 1);
    assert.equal(before.body.term, 1, 'legacy top-level keys');
    assert.ok(!Number.isNaN(Date.parse(before.body.data.install_time)));
    assert.equal((await s.request('POST', 'sys/rotate')).status, 204);
    assert.equal((await s.request('POST', 'sys/rotate')).status, 204);
    const after = await s.request('GET', 'sys/key-status');
    assert.equal(after.body.data.term, 3);
    assert.equal((await s.request('GET', 'secret/data/before-rotate')).body.data.data.v, 1);
    assert.equal((await s.request('POST', 'secret/data/after-rotate', { data: { v: 2 } })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/after-rotate')).body.data.data.v, 2);
  });

  it('rotate needs sudo', async () => {
    await s.request('PUT', 'sys/policies/acl/rotator', { policy: 'path "sys/rotate" { capabilities = ["update"] }' });
    const t = await s.request('POST', 'auth/token/create', { policies: ['rotator'] });
    const term = (await s.request('GET', 'sys/key-status')).body.data.term;
    assert.equal((await s.request('POST', 'sys/rotate', undefined, { token: t.body.auth.client_token })).status, 403);
    assert.equal((await s.request('GET', 'sys/key-status')).body.data.term, term);
  });

  it('health: 200 when active and unsealed, query overrides, HEAD', async () => {
    const res = await s.request('GET', 'sys/health', undefined, { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.initialized, true);
    assert.equal(res.body.sealed, false);
    assert.equal(res.body.standby, false);
    assert.equal(typeof res.body.version, 'string');
    assert.equal(typeof res.body.server_time_utc, 'number');
    assert.equal((await s.request('GET', 'sys/health?standbyok=true', undefined, { token: null })).status, 200);
    assert.equal((await s.request('GET', 'sys/health?activecode=299', undefined, { token: null })).status, 299);
    assert.equal((await s.request('GET', 'sys/health?activecode=abc', undefined, { token: null })).status, 400);
    const head = await raw(s, 'HEAD', 'sys/health');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  it('leader: HA disabled on a single node', async () => {
    const res = await s.request('GET', 'sys/leader', undefined, { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.ha_enabled, false);
    assert.equal(typeof res.body.leader_address, 'string');
    assert.equal(typeof res.body.is_self, 'boolean');
  });

  it('internal/specs/openapi: the document itself, with mount paths', async () => {
    const res = await s.request('GET', 'sys/internal/specs/openapi');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.0.2');
    assert.ok(res.body.info);
    const paths = Object.keys(res.body.paths);
    assert.ok(paths.includes('/secret/data/{path}'), 'kv v2 data path');
    assert.ok(paths.includes('/sys/mounts'), 'sys/mounts');
    assert.ok(paths.includes('/sys/mounts/{path}'), 'sys/mounts/{path}');
    assert.ok(paths.includes('/sys/policies/acl/{name}'), 'sys/policies/acl/{name}');
    assert.ok(paths.includes('/auth/token/create'), 'auth/token/create');
    assert.ok(!paths.some((p) => p.startsWith('/sys/sys/') || p.startsWith('/auth/token/auth/')), 'no doubled mount prefixes');
  });

  it('internal/specs/openapi only describes mounts the token can reach', async () => {
    await s.request('PUT', 'sys/policies/acl/openapi-reader', {
      policy: 'path "sys/internal/specs/openapi" { capabilities = ["read"] }\npath "secret/data/*" { capabilities = ["read"] }',
    });
    const t = await s.request('POST', 'auth/token/create', { policies: ['openapi-reader'], no_default_policy: true });
    const res = await s.request('GET', 'sys/internal/specs/openapi', undefined, { token: t.body.auth.client_token });
    assert.equal(res.status, 200);
    const paths = Object.keys(res.body.paths);
    assert.ok(paths.includes('/secret/data/{path}'));
    assert.ok(!paths.some((p) => p.startsWith('/cubbyhole/')), 'no cubbyhole paths without access');
  });

  it('path help with ?help=1', async () => {
    const res = await s.request('GET', 'secret/data/foo?help=1');
    assert.equal(res.status, 200);
    assert.equal(typeof res.body.help, 'string');
    assert.match(res.body.help, /data/);
    assert.ok(res.body.openapi?.paths, 'help carries an openapi document');
    const sys = await s.request('GET', 'sys/mounts?help=1');
    assert.equal(sys.status, 200);
    assert.match(sys.body.help, /mount/i);
    const noToken = await s.request('GET', 'secret/data/foo?help=1', undefined, { token: null });
    assert.equal(noToken.status, 403);
  });
});

describe('sys/health and sys/init on a server that is not initialised', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer({ dev: false });
  });
  after(async () => {
    await s.close();
  });

  it('health is 501 uninitialised (uninitcode overrides), then 503 sealed, then 200', async () => {
    const un = await s.request('GET', 'sys/health', undefined, { token: null });
    assert.equal(un.status, 501);
    assert.equal(un.body.initialized, false);
    assert.equal((await s.request('GET', 'sys/health?uninitcode=200', undefined, { token: null })).status, 200);
    assert.equal((await raw(s, 'HEAD', 'sys/health')).status, 501);
    assert.deepEqual((await s.request('GET', 'sys/init', undefined, { token: null })).body, { initialized: false });
    const status = await s.request('GET', 'sys/seal-status', undefined, { token: null });
    assert.equal(status.body.initialized, false);
    assert.equal(status.body.sealed, true);
    // Requests to mounts cannot be served.
    assert.equal((await s.request('GET', 'secret/data/x', undefined, { token: 'whatever' })).status, 503);

    const init = await s.request('PUT', 'sys/init', { secret_shares: 5, secret_threshold: 3 }, { token: null });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    assert.equal(init.body.keys.length, 5);
    assert.equal(init.body.keys_base64.length, 5);
    for (const k of init.body.keys) assert.match(k, /^[0-9a-f]+$/);
    assert.match(init.body.root_token, /^hvs\./);
    assert.deepEqual((await s.request('GET', 'sys/init', undefined, { token: null })).body, { initialized: true });
    assert.equal((await s.request('PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 }, { token: null })).status, 400, 'init twice');

    const sealed = await s.request('GET', 'sys/health', undefined, { token: null });
    assert.equal(sealed.status, 503);
    assert.equal(sealed.body.sealed, true);
    assert.equal((await s.request('GET', 'sys/health?sealedcode=299', undefined, { token: null })).status, 299);

    // Unseal progress, reset, a wrong key.
    const keys: string[] = init.body.keys;
    const p1 = await s.request('PUT', 'sys/unseal', { key: keys[0] }, { token: null });
    assert.equal(p1.status, 200);
    assert.equal(p1.body.sealed, true);
    assert.equal(p1.body.progress, 1);
    assert.equal(p1.body.t, 3);
    assert.equal(p1.body.n, 5);
    const reset = await s.request('PUT', 'sys/unseal', { reset: true }, { token: null });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.progress, 0);
    const notAKey = await s.request('PUT', 'sys/unseal', { key: 'not-a-key!' }, { token: null });
    assert.equal(notAKey.status, 400);
    const missing = await s.request('PUT', 'sys/unseal', {}, { token: null });
    assert.equal(missing.status, 400);

    // Three shares of which one is wrong (from another key): unsealing fails and progress resets.
    const other = await startInProcessServer({ dev: false });
    const otherInit = await other.request('PUT', 'sys/init', { secret_shares: 5, secret_threshold: 3 }, { token: null });
    await other.close();
    await s.request('PUT', 'sys/unseal', { key: keys[0] }, { token: null });
    await s.request('PUT', 'sys/unseal', { key: keys[1] }, { token: null });
    const wrong = await s.request('PUT', 'sys/unseal', { key: otherInit.body.keys[2] }, { token: null });
    assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
    const afterWrong = await s.request('GET', 'sys/seal-status', undefined, { token: null });
    assert.equal(afterWrong.body.sealed, true);
    assert.equal(afterWrong.body.progress, 0);

    // Base64 and hex keys both work.
    await s.request('PUT', 'sys/unseal', { key: init.body.keys_base64[2] }, { token: null });
    await s.request('PUT', 'sys/unseal', { key: keys[3] }, { token: null });
    const done = await s.request('PUT', 'sys/unseal', { key: keys[4] }, { token: null });
    assert.equal(done.status, 200);
    assert.equal(done.body.sealed, false);
    assert.equal(done.body.progress, 0);

    const root = init.body.root_token;
    assert.equal((await s.request('GET', 'sys/health', undefined, { token: null })).status, 200);
    const self = await s.request('GET', 'auth/token/lookup-self', undefined, { token: root });
    assert.equal(self.status, 200);
    assert.deepEqual(self.body.data.policies, ['root']);
    assert.equal((await s.request('POST', 'sys/mounts/kv', { type: 'kv' }, { token: root })).status, 204);
    assert.equal((await s.request('PUT', 'kv/hello', { a: 'b' }, { token: root })).status, 204);
    assert.equal((await s.request('GET', 'kv/hello', undefined, { token: root })).body.data.a, 'b');
  });
});

describe('sys/rekey and sys/generate-root over HTTP', () => {
  let s: InProcessServer;
  let keys: string[];
  let root: string;
  before(async () => {
    s = await startInProcessServer({ dev: false });
    const init = await s.request('PUT', 'sys/init', { secret_shares: 3, secret_threshold: 2 }, { token: null });
    keys = init.body.keys;
    root = init.body.root_token;
    for (const k of keys.slice(0, 2)) await s.request('PUT', 'sys/unseal', { key: k }, { token: null });
    assert.equal((await s.request('GET', 'sys/seal-status', undefined, { token: null })).body.sealed, false);
    assert.equal((await s.request('POST', 'sys/mounts/kv', { type: 'kv' }, { token: root })).status, 204);
    assert.equal((await s.request('PUT', 'kv/keep', { v: 'safe' }, { token: root })).status, 204);
  });
  after(async () => {
    await s.close();
  });

  it('rekey to 4 shares / threshold 3; the old keys stop working, the new ones unseal', async () => {
    const idle = await s.request('GET', 'sys/rekey/init', undefined, { token: null });
    assert.equal(idle.status, 200);
    assert.equal(idle.body.started, false);
    const start = await s.request('PUT', 'sys/rekey/init', { secret_shares: 4, secret_threshold: 3 }, { token: null });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    assert.equal(start.body.started, true);
    assert.equal(start.body.n, 4);
    assert.equal(start.body.t, 3);
    assert.equal(start.body.required, 2);
    const nonce = start.body.nonce;
    assert.ok(nonce);
    const badNonce = await s.request('PUT', 'sys/rekey/update', { key: keys[0], nonce: 'wrong' }, { token: null });
    assert.equal(badNonce.status, 400);
    const u1 = await s.request('PUT', 'sys/rekey/update', { key: keys[0], nonce }, { token: null });
    assert.equal(u1.status, 200);
    // Until the last share, Vault answers with the rekey status (no "complete" field).
    assert.equal(u1.body.progress, 1);
    assert.notEqual(u1.body.complete, true);
    assert.equal(u1.body.keys, undefined);
    const u2 = await s.request('PUT', 'sys/rekey/update', { key: keys[1], nonce }, { token: null });
    assert.equal(u2.status, 200, JSON.stringify(u2.body));
    assert.equal(u2.body.complete, true);
    assert.equal(u2.body.keys.length, 4);
    assert.equal(u2.body.keys_base64.length, 4);
    const newKeys: string[] = u2.body.keys;

    const status = await s.request('GET', 'sys/seal-status', undefined, { token: null });
    assert.equal(status.body.n, 4);
    assert.equal(status.body.t, 3);

    assert.equal((await s.request('PUT', 'sys/seal', undefined, { token: root })).status, 204);
    await waitSealed(s);
    // Two old keys no longer unseal.
    await s.request('PUT', 'sys/unseal', { key: keys[0] }, { token: null });
    await s.request('PUT', 'sys/unseal', { key: keys[1] }, { token: null });
    const old = await s.request('PUT', 'sys/unseal', { key: keys[2] }, { token: null });
    assert.equal(old.status === 400 || old.body.sealed === true, true);
    await s.request('PUT', 'sys/unseal', { reset: true }, { token: null });
    for (const k of newKeys.slice(1, 4)) await s.request('PUT', 'sys/unseal', { key: k }, { token: null });
    const st = await s.request('GET', 'sys/seal-status', undefined, { token: null });
    assert.equal(st.body.sealed, false);
    assert.equal((await s.request('GET', 'kv/keep', undefined, { token: root })).body.data.v, 'safe');
    keys = newKeys;
  });

  it('rekey can be cancelled', async () => {
    const start = await s.request('PUT', 'sys/rekey/init', { secret_shares: 2, secret_threshold: 2 }, { token: null });
    assert.equal(start.status, 200);
    assert.equal((await s.request('DELETE', 'sys/rekey/init', undefined, { token: null })).status, 204);
    assert.equal((await s.request('GET', 'sys/rekey/init', undefined, { token: null })).body.started, false);
  });

  it('generate-root with a server-made OTP yields a working root token', async () => {
    const start = await s.request('PUT', 'sys/generate-root/attempt', {}, { token: null });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    assert.equal(start.body.started, true);
    assert.equal(start.body.required, 3);
    const otp: string = start.body.otp;
    assert.equal(otp.length, start.body.otp_length);
    const nonce = start.body.nonce;
    const status = await s.request('GET', 'sys/generate-root/attempt', undefined, { token: null });
    assert.equal(status.body.started, true);
    assert.equal(status.body.nonce, nonce);
    let last: any;
    for (const k of keys.slice(0, 3)) {
      last = await s.request('PUT', 'sys/generate-root/update', { key: k, nonce }, { token: null });
      assert.equal(last.status, 200, JSON.stringify(last.body));
    }
    assert.equal(last.body.complete, true);
    const encoded = last.body.encoded_token || last.body.encoded_root_token;
    assert.ok(encoded);
    const newRoot = decodeRootToken(encoded, otp);
    assert.match(newRoot, /^hvs\./);
    assert.notEqual(newRoot, root);
    const self = await s.request('GET', 'auth/token/lookup-self', undefined, { token: newRoot });
    assert.equal(self.status, 200);
    assert.deepEqual(self.body.data.policies, ['root']);
    assert.equal((await s.request('GET', 'kv/keep', undefined, { token: newRoot })).body.data.v, 'safe');
  });

  it('generate-root can be cancelled and refuses a key without a started attempt', async () => {
    const start = await s.request('PUT', 'sys/generate-root/attempt', {}, { token: null });
    assert.equal(start.status, 200);
    assert.equal((await s.request('DELETE', 'sys/generate-root/attempt', undefined, { token: null })).status, 204);
    assert.equal((await s.request('GET', 'sys/generate-root/attempt', undefined, { token: null })).body.started, false);
    const stray = await s.request('PUT', 'sys/generate-root/update', { key: keys[0], nonce: start.body.nonce }, { token: null });
    assert.equal(stray.status, 400);
  });
});
