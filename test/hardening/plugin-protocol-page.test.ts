// The behaviour docs/plugin-protocol.md §6.1 and §6.6 promise a plugin author
// (issue 7: what a plugin written from the page alone had to guess), checked
// against a plugin built on the raw Backend contract.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { callBackend } from '@coffer/server/core/backend-calls.js';
import { backendService } from '@coffer/sdk/plugin/backend-service.js';
import { silentLogger, isCofferError } from '@coffer/sdk';
import { buildFixture, REPO_ROOT, sha256Of } from '../plugins/support.js';

describe('docs/plugin-protocol.md: what a plugin sees and what its answers become', () => {
  const work = mkdtempSync(join(tmpdir(), 'coffer-probe-'));
  let s: InProcessServer;
  const calls = async (): Promise<{ operation: string; path: string; token: boolean; existenceCheck: boolean }[]> =>
    (await s.request('GET', 'probe/calls')).body.data.calls;

  before(async () => {
    const pluginDir = join(work, 'plugins');
    mkdirSync(pluginDir);
    const built = buildFixture(join(REPO_ROOT, 'test/plugins/fixtures/probe-plugin.ts'), join(work, 'probe-plugin'));
    copyFileSync(built, join(pluginDir, 'probe-plugin'));
    chmodSync(join(pluginDir, 'probe-plugin'), 0o755);
    s = await startInProcessServer({ plugins: { directory: pluginDir } });
    assert.equal((await s.request('PUT', 'sys/plugins/catalog/secret/probe', { sha256: sha256Of(join(pluginDir, 'probe-plugin')), command: 'probe-plugin' })).status, 204);
    assert.equal((await s.request('POST', 'sys/mounts/probe', { type: 'probe' })).status, 204);
  });
  after(async () => {
    await s?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a read answered with no response is a 404 with an empty error list; a write is a 204', async () => {
    const read = await s.request('GET', 'probe/missing');
    assert.equal(read.status, 404);
    assert.deepEqual(read.body, { errors: [] });
    assert.equal((await s.request('PUT', 'probe/nothing', { a: 1 })).status, 204);
  });

  it('the existence check arrives as update; a new object is then created, an existing one updated', async () => {
    const before = (await calls()).length;
    assert.equal((await s.request('PUT', 'probe/obj/a', { v: 1 })).status, 204);
    assert.equal((await s.request('PUT', 'probe/obj/a', { v: 2 })).status, 204);
    const seen = (await calls()).slice(before).map((c) => `${c.existenceCheck ? 'check:' : ''}${c.operation} ${c.path}`);
    assert.deepEqual(seen, ['check:update obj/a', 'create obj/a', 'check:update obj/a', 'update obj/a']);
  });

  it('list arrives on "" and on "dir/", and {"keys": [...]} is the answer', async () => {
    const root = await s.request('LIST', 'probe');
    assert.deepEqual(root.body.data.keys, ['obj/']);
    const dir = await s.request('GET', 'probe/obj?list=true');
    assert.deepEqual(dir.body.data.keys, ['a']);
    const lists = (await calls()).filter((c) => c.operation === 'list').map((c) => c.path);
    assert.deepEqual(lists, ['', 'obj/']);
  });

  it('help returns the plugin\'s help document itself, not enveloped', async () => {
    const help = await s.request('GET', 'probe/?help=1');
    assert.equal(help.status, 200);
    assert.deepEqual(help.body, { help: 'probe plugin', see_also: null });
  });

  it('rollback arrives on "" without a token, and no response is fine', async () => {
    const answer = await callBackend(s.core.router, 'probe/', 'rollback', {});
    assert.equal(answer, null);
    const rollback = (await calls()).filter((c) => c.operation === 'rollback');
    assert.deepEqual(rollback, [{ operation: 'rollback', path: '', token: false, existenceCheck: false }]);
  });

  it('item 8 elsewhere: a plugin\'s 1xx (or other non-final) status becomes a 500, never an interim answer the client waits on', async () => {
    for (const path of ['raw/100', 'raw/101', 'code/100', 'code/199', 'code/600']) {
      const res = await fetch(`${s.address}/v1/probe/${path}`, { headers: { 'X-Vault-Token': s.rootToken }, signal: AbortSignal.timeout(5_000) });
      assert.equal(res.status, 500, path);
      assert.match(((await res.json()) as { errors: string[] }).errors[0]!, /not a final status/);
    }
    const raw = await fetch(`${s.address}/v1/probe/raw/299`, { headers: { 'X-Vault-Token': s.rootToken } });
    assert.deepEqual([raw.status, await raw.text()], [299, 'raw']);
    assert.equal((await s.request('GET', 'probe/code/202')).status, 202);
  });

  it('a duplicate Setup is refused with invalid_request', async () => {
    // No storage session is opened (storageSession: false), so the host connection is never dialled.
    const host = { session: () => ({}) } as never;
    const service = backendService(async () => ({}) as never, host, silentLogger, { storageSession: false });
    const setup = { backend_id: 'b1', storage_id: 's1', host_address: '/tmp/none.sock', config: {}, backend_uuid: 'u' };
    await service.Setup(setup);
    await assert.rejects(service.Setup(setup), (err: unknown) => isCofferError(err) && err.code === 'invalid_request');
  });

  it('the page documents each of these', () => {
    const page = readFileSync(join(REPO_ROOT, 'docs/plugin-protocol.md'), 'utf8');
    for (const topic of ['### 5.4 Deadlines', '### 6.6 Operations', '**404**', 'check_found: true', 'once a minute', 'same for every Setup of one process', 'valid only until this call returns', 'asks `Type` and `PluginVersion` only']) {
      assert.ok(page.includes(topic), `docs/plugin-protocol.md lacks "${topic}"`);
    }
  });
});
