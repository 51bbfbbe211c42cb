// Rate-limit quotas over HTTP, as `coffer write sys/quotas/...` sets them:
// a quota on a mount answers 429 (Vault's message, Retry-After) once the
// rate is used up and serves again after block_interval, while another
// mount is unaffected; the optional X-Ratelimit-* headers; quotas survive
// a seal and unseal, and a change written below the cache applies once
// invalidated.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { putJson } from '@coffer/sdk';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { runCli } from '../support/coffer-process.js';

describe('rate-limit quotas', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
    assert.equal((await s.request('POST', 'sys/mounts/other', { type: 'kv', options: { version: '2' } })).status, 204);
    assert.equal((await s.request('POST', 'secret/data/q', { data: { a: 1 } })).status, 200);
    assert.equal((await s.request('POST', 'other/data/q', { data: { a: 1 } })).status, 200);
  });
  after(() => s.close());

  test('a mount quota refuses with 429 after the rate, recovers after block_interval; another mount is unaffected', async () => {
    const created = await s.request('POST', 'sys/quotas/rate-limit/secret-limit', { path: 'secret/', rate: 3, interval: '1h', block_interval: '1s' });
    assert.equal(created.status, 204, JSON.stringify(created.body));
    const read = await s.request('GET', 'sys/quotas/rate-limit/secret-limit');
    assert.deepEqual([read.body.data.path, read.body.data.rate, read.body.data.interval, read.body.data.block_interval, read.body.data.type], ['secret/', 3, 3600, 1, 'rate-limit']);
    for (let i = 0; i < 3; i++) assert.equal((await s.request('GET', 'secret/data/q')).status, 200);
    const refused = await s.request('GET', 'secret/data/q');
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, { errors: ['request path "secret/data/q": rate limit quota exceeded'] });
    assert.equal(refused.headers.get('retry-after'), '1');
    for (let i = 0; i < 5; i++) assert.equal((await s.request('GET', 'other/data/q')).status, 200, 'another mount is unaffected');
    await new Promise((r) => setTimeout(r, 1100));
    // The hour-long interval has not refilled the bucket: once unblocked, the next request is refused again (and blocks again).
    assert.equal((await s.request('GET', 'secret/data/q')).status, 429);
    assert.equal((await s.request('DELETE', 'sys/quotas/rate-limit/secret-limit')).status, 204);
    assert.equal((await s.request('GET', 'secret/data/q')).status, 200);
  });

  test('recovers once tokens refill; response headers when enabled', async () => {
    assert.equal((await s.request('POST', 'sys/quotas/config', { enable_rate_limit_response_headers: true })).status, 204);
    assert.equal((await s.request('POST', 'sys/quotas/rate-limit/fast', { path: 'other/', rate: 2, interval: '1s' })).status, 204);
    const first = await s.request('GET', 'other/data/q');
    assert.equal(first.headers.get('x-ratelimit-limit'), '2');
    assert.equal(first.headers.get('x-ratelimit-remaining'), '1');
    await s.request('GET', 'other/data/q');
    const refused = await s.request('GET', 'other/data/q');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await s.request('GET', 'other/data/q')).status, 200);
    assert.deepEqual((await s.request('LIST', 'sys/quotas/rate-limit')).body.data.keys, ['fast']);
  });

  test('bad input is a 400; exempt paths are not limited', async () => {
    assert.equal((await s.request('POST', 'sys/quotas/rate-limit/bad', { path: 'secret/', rate: 0 })).status, 400);
    assert.equal((await s.request('POST', 'sys/quotas/rate-limit/bad', { path: 'nowhere/', rate: 1 })).status, 400);
    const config = await s.request('GET', 'sys/quotas/config');
    assert.ok(config.body.data.rate_limit_exempt_paths.includes('sys/health'));
    assert.equal((await s.request('POST', 'sys/quotas/rate-limit/global', { path: '', rate: 1000 })).status, 204);
    assert.equal((await s.request('POST', 'sys/quotas/config', { rate_limit_exempt_paths: ['sys/quotas/*', 'sys/mounts'] })).status, 204);
    assert.equal((await s.request('POST', 'sys/quotas/rate-limit/global', { path: '', rate: 1 })).status, 204);
    for (let i = 0; i < 3; i++) assert.equal((await s.request('GET', 'sys/mounts')).status, 200, 'exempt');
    assert.equal((await s.request('GET', 'sys/policy')).status, 200);
    assert.equal((await s.request('GET', 'sys/policy')).status, 429, 'the global quota applies elsewhere');
    assert.equal((await s.request('DELETE', 'sys/quotas/rate-limit/global')).status, 204);
  });

  test('quotas survive a seal and unseal, and a change below the cache applies once invalidated', async () => {
    await s.core.seal.seal();
    await s.core.seal.submitUnsealKey({ key: s.unsealKey });
    assert.deepEqual((await s.request('LIST', 'sys/quotas/rate-limit')).body.data.keys, ['fast']);
    await putJson(s.core.barrier, 'sys/quotas/rate-limit/below', { name: 'below', path: 'secret/', role: '', rate: 1, interval: 3600, block_interval: 0 });
    assert.equal((await s.request('GET', 'secret/data/q')).status, 200);
    assert.equal((await s.request('GET', 'secret/data/q')).status, 200, 'not yet seen');
    await s.core.invalidate('sys/quotas/rate-limit/below');
    assert.equal((await s.request('GET', 'secret/data/q')).status, 200);
    assert.equal((await s.request('GET', 'secret/data/q')).status, 429);
  });

  test('with enable_rate_limit_audit_logging, a refused request is audited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-quota-audit-'));
    try {
      const file = join(dir, 'audit.log');
      assert.equal((await s.request('PUT', 'sys/audit/file', { type: 'file', options: { file_path: file } })).status, 204);
      assert.equal((await s.request('POST', 'sys/quotas/config', { enable_rate_limit_audit_logging: true })).status, 204);
      assert.equal((await s.request('POST', 'sys/quotas/rate-limit/tight', { path: 'other/data/audited', rate: 1, interval: '1h' })).status, 204);
      assert.equal((await s.request('GET', 'other/data/audited')).status, 404);
      assert.equal((await s.request('GET', 'other/data/audited')).status, 429);
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { error?: string; request?: { path: string } });
      assert.ok(lines.some((l) => l.request?.path === 'other/data/audited' && /rate limit quota exceeded/.test(l.error ?? '')));
      assert.equal((await s.request('DELETE', 'sys/audit/file')).status, 204);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a quota with a role limits only logins with that role', async () => {
    assert.equal((await s.request('POST', 'sys/auth/approle', { type: 'approle' })).status, 204);
    const logins: Record<string, { role_id: string; secret_id: string }> = {};
    for (const role of ['limited', 'free']) {
      assert.equal((await s.request('POST', `auth/approle/role/${role}`, { token_ttl: '1m' })).status, 204);
      const roleId = (await s.request('GET', `auth/approle/role/${role}/role-id`)).body.data.role_id as string;
      const secretId = (await s.request('POST', `auth/approle/role/${role}/secret-id`)).body.data.secret_id as string;
      logins[role] = { role_id: roleId, secret_id: secretId };
    }
    const created = await s.request('POST', 'sys/quotas/rate-limit/approle-limited', { path: 'auth/approle/', role: 'limited', rate: 2, interval: '1h' });
    assert.equal(created.status, 204, JSON.stringify(created.body));
    assert.equal((await s.request('GET', 'sys/quotas/rate-limit/approle-limited')).body.data.role, 'limited');
    for (let i = 0; i < 2; i++) assert.equal((await s.request('POST', 'auth/approle/login', logins['limited'], { token: '' })).status, 200);
    assert.equal((await s.request('POST', 'auth/approle/login', logins['limited'], { token: '' })).status, 429);
    for (let i = 0; i < 4; i++) assert.equal((await s.request('POST', 'auth/approle/login', logins['free'], { token: '' })).status, 200, 'another role is not limited');
    assert.equal((await s.request('GET', 'auth/approle/role/limited')).status, 200, 'requests other than logins are not limited');

    const notAuth = await s.request('POST', 'sys/quotas/rate-limit/bad-role', { path: 'secret/', role: 'x', rate: 1 });
    assert.equal(notAuth.status, 400);
    assert.match(notAuth.body.errors[0], /role "x" needs path to be an auth mount/);
    assert.equal((await s.request('GET', 'sys/quotas/rate-limit/bad-role')).status, 404, 'nothing stored');
    assert.equal((await s.request('DELETE', 'sys/quotas/rate-limit/approle-limited')).status, 204);
  });

  test('coffer write/read/list/delete sys/quotas/... work from the CLI', async () => {
    const env = { VAULT_ADDR: s.address, VAULT_TOKEN: s.rootToken };
    const written = await runCli(['write', 'sys/quotas/rate-limit/cli-limit', 'path=other/', 'rate=5', 'interval=10s', 'block_interval=1m'], env);
    assert.equal(written.code, 0, written.stderr);
    const read = await runCli(['read', '-format=json', 'sys/quotas/rate-limit/cli-limit'], env);
    assert.equal(read.code, 0, read.stderr);
    const data = JSON.parse(read.stdout).data;
    assert.deepEqual([data.path, data.rate, data.interval, data.block_interval], ['other/', 5, 10, 60]);
    const listed = await runCli(['list', 'sys/quotas/rate-limit'], env);
    assert.match(listed.stdout, /^cli-limit$/m);
    const bad = await runCli(['write', 'sys/quotas/rate-limit/cli-bad', 'path=other/', 'rate=-1'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /rate must be positive/);
    assert.equal((await runCli(['delete', 'sys/quotas/rate-limit/cli-limit'], env)).code, 0);
  });
});
