import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CofferError, InmemStorage, isCofferError, makeRequest, putJson, silentLogger, staticSystemView, type Backend } from '@coffer/sdk';
import { cubbyholeFactory } from '@coffer/builtin';
import { Router } from '../core/router.js';
import type { BackendSource } from './backend-source.js';
import { newMountEntry } from './mount-entry.js';
import { MountManager } from './mount-manager.js';

/** A source whose "broken" type cannot start, as a plugin with a changed binary. */
function source(): BackendSource {
  return {
    async create(entry, conf) {
      if (entry.type === 'broken') throw new CofferError('internal', 'sha256 mismatch for plugin "secret/broken"');
      const backend: Backend = await cubbyholeFactory(conf);
      return { backend, runningVersion: 'v0.1.0+builtin', runningSha256: '' };
    },
  };
}

describe('MountManager.load', () => {
  it('routes a mount that cannot start to a stand-in answering 503 with the reason, and starts the others', async () => {
    const barrier = new InmemStorage();
    const broken = newMountEntry('mounts', 'ext/', 'broken');
    const brokenAuth = newMountEntry('auth', 'keys/', 'broken');
    const healthy = newMountEntry('mounts', 'ok/', 'cubbyhole');
    await putJson(barrier, 'core/mounts', { type: 'mounts', entries: [broken, healthy] });
    await putJson(barrier, 'core/auth', { type: 'auth', entries: [brokenAuth] });
    const errors: unknown[] = [];
    const logger = { ...silentLogger, error: (obj: unknown) => errors.push(obj), child: () => logger };
    const router = new Router();
    const mounts = new MountManager({
      barrier,
      router,
      source: source(),
      systemViewFor: () => staticSystemView(),
      logger,
      revokeLeasesUnder: async () => undefined,
      defaultMounts: () => [],
    });
    await mounts.load();

    assert.equal(mounts.runningInfo(broken).error, 'sha256 mismatch for plugin "secret/broken"');
    assert.equal(mounts.runningInfo(healthy).error, undefined);
    assert.equal(errors.length, 2, 'each failed mount is logged');
    const route = router.match('ext/some/secret');
    assert.ok(route);
    assert.equal(router.match('auth/keys/login')?.backend.type, 'credential');
    await assert.rejects(route.backend.handleRequest(makeRequest({ operation: 'read', path: 'some/secret', storage: new InmemStorage() })), (err: unknown) => {
      assert.ok(isCofferError(err));
      assert.equal(err.status, 503);
      assert.equal(err.message, 'mount "ext/" is not available: sha256 mismatch for plugin "secret/broken"');
      return true;
    });
    // The healthy mount serves.
    const ok = router.match('ok/x');
    assert.ok(ok);
    assert.equal(await ok.backend.handleRequest(makeRequest({ operation: 'create', path: 'x', storage: ok.storage, clientToken: 't', data: { a: 1 } })), null);
  });
});
