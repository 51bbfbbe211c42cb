import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InmemStorage, isCofferError, makeRequest } from '@coffer/sdk';
import { Router } from '../core/router.js';
import type { RunningInfo } from '../mounts/mount-manager.js';
import { newMountEntry, type MountEntry } from '../mounts/mount-entry.js';
import { routeFailedMounts, UnavailableBackend } from './unavailable-backend.js';

describe('mounts whose plugin failed to start', () => {
  const failed = newMountEntry('mounts', 'ext/', 'kv-ext');
  const failedAuth = newMountEntry('auth', 'keys/', 'auth-ext');
  const healthy = newMountEntry('mounts', 'ok/', 'kv');
  const running = new Map<MountEntry, RunningInfo>([
    [failed, { version: '', sha256: '', error: 'sha256 mismatch for plugin "secret/kv-ext"' }],
    [failedAuth, { version: '', sha256: '', error: 'plugin binary "auth-ext" was not found' }],
    [healthy, { version: '', sha256: 'abc' }],
  ]);
  const host = (router: Router) => ({
    router,
    mounts: {
      list: (table: 'mounts' | 'auth') => [failed, failedAuth, healthy].filter((e) => e.table === table),
      runningInfo: (entry: MountEntry) => running.get(entry)!,
      storageOf: () => new InmemStorage(),
    },
  });

  it('are routed to a backend that answers 503 with the start error, so requests do not fall through to a 404', async () => {
    const router = new Router();
    assert.deepEqual(routeFailedMounts(host(router)), ['ext/', 'auth/keys/']);
    const route = router.match('ext/some/secret');
    assert.ok(route, 'the failed mount has a route');
    assert.equal(route.backend.type, 'logical');
    assert.equal(router.match('auth/keys/login')?.backend.type, 'credential');
    assert.equal(router.match('ok/x'), undefined, 'a mount that started is left alone');
    await assert.rejects(route.backend.handleRequest(makeRequest({ operation: 'read', path: 'some/secret', storage: new InmemStorage() })), (err: unknown) => {
      assert.ok(isCofferError(err));
      assert.equal(err.code, 'unavailable');
      assert.equal(err.message, 'mount "ext/" is not available: sha256 mismatch for plugin "secret/kv-ext"');
      return true;
    });
    assert.deepEqual(await route.backend.handleExistenceCheck(makeRequest({ operation: 'update', path: 'x', storage: new InmemStorage() })), { checkFound: false, exists: false });
  });

  it('never replace a route that exists (a reload already swapped the real backend in)', () => {
    const router = new Router();
    const real = new UnavailableBackend('logical', 'ext/', 'placeholder for the real backend');
    router.mount(failed, real, new InmemStorage());
    assert.deepEqual(routeFailedMounts(host(router)), ['auth/keys/']);
    assert.equal(router.get('ext/')?.backend, real);
  });
});
