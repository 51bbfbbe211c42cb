// Issue 7, item 9: a plugin call that never answers is cancelled (gRPC
// deadline) and stops counting as in flight, so the next reload does not
// wait for the drain limit; a plugin killed by a signal leaves no socket
// directory behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { buildFixture, REPO_ROOT, sha256Of } from '../plugins/support.js';

describe('issue 7 item 9: plugin calls that never answer, plugins killed by a signal', () => {
  const work = mkdtempSync(join(tmpdir(), 'coffer-plugin-calls-'));
  const pluginDir = join(work, 'plugins');
  let s: InProcessServer;

  before(async () => {
    const built = buildFixture(join(REPO_ROOT, 'test/plugins/fixtures/crash-plugin.ts'), join(work, 'crash-plugin'));
    rmSync(pluginDir, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(pluginDir);
    copyFileSync(built, join(pluginDir, 'crash-plugin'));
    chmodSync(join(pluginDir, 'crash-plugin'), 0o755);
    // A short call deadline and a long drain limit: a reload that waited for the hung call would take 60 s.
    s = await startInProcessServer({ plugins: { directory: pluginDir, callTimeoutMs: 1500, drainTimeoutMs: 60_000 } });
    const reg = await s.request('PUT', 'sys/plugins/catalog/secret/crash-plugin', { sha256: sha256Of(join(pluginDir, 'crash-plugin')), command: 'crash-plugin' });
    assert.equal(reg.status, 204, JSON.stringify(reg.body));
    assert.equal((await s.request('POST', 'sys/mounts/hung', { type: 'crash-plugin' })).status, 204);
  });
  after(async () => {
    await s?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a call that never answers gets a 503 and is cancelled; the next reload does not wait for it', async () => {
    const started = Date.now();
    const res = await fetch(`${s.address}/v1/hung/hang`, { headers: { 'X-Vault-Token': s.rootToken }, signal: AbortSignal.timeout(15_000) });
    assert.equal(res.status, 503);
    const body = (await res.json()) as { errors: string[] };
    assert.match(body.errors[0]!, /did not answer .* within 1\.5s/);
    assert.ok(Date.now() - started < 10_000);

    const reloadStarted = Date.now();
    const reload = await s.request('PUT', 'sys/plugins/reload/backend', { mounts: ['hung/'] });
    assert.ok(reload.status === 200 || reload.status === 204, JSON.stringify(reload.body));
    assert.ok(Date.now() - reloadStarted < 10_000, `the reload waited ${Date.now() - reloadStarted} ms for a call that had already been answered`);
    assert.equal((await s.request('GET', 'hung/pid')).status, 200, 'the reloaded mount serves');
  });

  it('a plugin killed by SIGKILL leaves no socket directory behind', async () => {
    const pid = (await s.request('GET', 'hung/pid')).body.data.pid as number;
    const socket = (await s.request('GET', 'hung/socket')).body.data.path as string;
    assert.match(socket, /coffer-plugin-.*\/plugin\.sock$/);
    assert.ok(existsSync(socket));
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 5_000;
    while (existsSync(dirname(socket)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(existsSync(dirname(socket)), false, `${dirname(socket)} is still there`);
    // and the mount comes back on the next request (restart once)
    assert.equal((await s.request('GET', 'hung/pid')).status, 200);
  });
});
