// Invalidation keyed by storage path: for each cache, an entry changed below
// it (written straight to the barrier, as another node sharing the storage
// would) is not seen until that path is invalidated, and is seen right after.
// Writes through the core's own paths reach the caches by themselves.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getJson, putJson } from '@coffer/sdk';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

/** Where a version 2 kv mount keeps its config, inside the mount's storage (packages/builtin/src/kv/storage-layout.ts). */
const KV_CONFIG = '_kv-v2/config';

interface StoredMount {
  path: string;
  uuid: string;
  type: string;
  config: Record<string, unknown>;
}

describe('invalidation by storage path', () => {
  let s: InProcessServer;
  let dir: string;
  before(async () => {
    s = await startInProcessServer();
    dir = mkdtempSync(join(tmpdir(), 'coffer-invalidation-'));
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('policies', async () => {
    assert.equal((await s.request('PUT', 'sys/policies/acl/reader', { policy: 'path "secret/*" { capabilities = ["read"] }' })).status, 204);
    const child = (await s.request('POST', 'auth/token/create', { policies: ['reader'] })).body.auth.client_token as string;
    const canList = async () => (await s.request('LIST', 'secret/metadata/', undefined, { token: child })).status !== 403;
    assert.equal(await canList(), false);
    await putJson(s.core.barrier, 'sys/policy/reader', { Version: 2, Raw: 'path "secret/*" { capabilities = ["read", "list"] }', Type: 0 });
    assert.equal(await canList(), false, 'the cached policy still answers');
    await s.core.invalidate('sys/policy/reader');
    assert.equal(await canList(), true);
  });

  test('token entries', async () => {
    const before = new Set(await s.core.barrier.list('sys/token/id/'));
    const child = (await s.request('POST', 'auth/token/create', { policies: ['default'] })).body.auth.client_token as string;
    const created = (await s.core.barrier.list('sys/token/id/')).filter((k) => !before.has(k));
    assert.equal(created.length, 1, 'one new token entry');
    const lookup = async () => (await s.request('GET', 'auth/token/lookup-self', undefined, { token: child })).status;
    assert.equal(await lookup(), 200);
    await s.core.barrier.delete(`sys/token/id/${created[0]}`);
    assert.equal(await lookup(), 200, 'the cached entry still answers');
    await s.core.invalidate(`sys/token/id/${created[0]}`);
    assert.equal(await lookup(), 403);
  });

  test('the mount table: a tuned setting and a new mount appear after invalidation', async () => {
    const table = (await getJson<{ entries: StoredMount[] }>(s.core.barrier, 'core/mounts'))!;
    table.entries.find((e) => e.path === 'secret/')!.config['default_lease_ttl'] = 4242;
    const copy = structuredClone(table.entries.find((e) => e.path === 'secret/')!);
    table.entries.push({ ...copy, path: 'added-below/', uuid: '6f1c2d3e-0000-4000-8000-000000000001' });
    await putJson(s.core.barrier, 'core/mounts', table);
    const ttl = async () => (await s.request('GET', 'sys/mounts/secret/tune')).body.data.default_lease_ttl;
    assert.notEqual(await ttl(), 4242);
    assert.equal((await s.request('GET', 'added-below/data/x')).status, 404);
    assert.match((await s.request('GET', 'added-below/data/x')).body.errors[0] ?? '', /no handler|route entry/);
    await s.core.invalidate('core/mounts');
    assert.equal(await ttl(), 4242);
    assert.equal((await s.request('POST', 'added-below/data/x', { data: { a: 1 } })).status, 200, 'the new mount serves');
  });

  test('audit devices', async () => {
    const file = join(dir, 'audit.log');
    await putJson(s.core.barrier, 'core/audit', { entries: [{ path: 'below/', type: 'file', description: '', options: { file_path: file }, local: false, uuid: '6f1c2d3e-0000-4000-8000-000000000002' }] });
    assert.deepEqual(Object.keys((await s.request('GET', 'sys/audit')).body.data), []);
    await s.core.invalidate('core/audit');
    assert.deepEqual(Object.keys((await s.request('GET', 'sys/audit')).body.data), ['below/']);
  });

  test("a backend's own invalidate(key): kv v2 config", async () => {
    const mounts = (await getJson<{ entries: StoredMount[] }>(s.core.barrier, 'core/mounts'))!.entries;
    const uuid = mounts.find((e) => e.path === 'secret/')!.uuid;
    assert.equal((await s.request('POST', 'secret/config', { max_versions: 3 })).status, 204);
    const maxVersions = async () => (await s.request('GET', 'secret/config')).body.data.max_versions;
    assert.equal(await maxVersions(), 3);
    const stored = (await getJson<Record<string, unknown>>(s.core.barrier, `logical/${uuid}/${KV_CONFIG}`))!;
    await putJson(s.core.barrier, `logical/${uuid}/${KV_CONFIG}`, { ...stored, max_versions: 7 });
    assert.equal(await maxVersions(), 3, 'the engine\'s cached config still answers');
    await s.core.invalidate(`logical/${uuid}/${KV_CONFIG}`);
    assert.equal(await maxVersions(), 7);
  });

  test('a write through the core reaches the caches without an explicit invalidation', async () => {
    const token = (await s.request('POST', 'auth/token/create', { policies: ['reader'] })).body.auth.client_token as string;
    assert.equal((await s.request('PUT', 'sys/policies/acl/reader', { policy: 'path "secret/*" { capabilities = ["deny"] }' })).status, 204);
    await s.core.invalidator.settled();
    assert.equal((await s.request('GET', 'secret/data/cfg', undefined, { token })).status, 403);
  });
});
