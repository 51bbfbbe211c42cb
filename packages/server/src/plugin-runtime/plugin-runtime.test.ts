import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  CofferError,
  InmemStorage,
  makeRequest,
  staticSystemView,
  type Backend,
  type Request,
  type Storage,
  type SystemView,
} from '@coffer/sdk';
import { launchPlugin, runPluginMetadata, type PluginExitInfo, type PluginProcess } from './index.js';
import { buildFixture, eventually, recordingLogger, tempDir } from './testdata/helpers.js';

const SECRET_VALUE = 'super-secret-value-7f3a';

let dir: string;
let command: string;
const log = recordingLogger();
let proc: PluginProcess;

function mountConfig(storage: Storage, system: SystemView = staticSystemView(), config: Record<string, string> = {}) {
  return { storage, system, logger: log.logger, config, backendUuid: `uuid-${Math.random()}` };
}

function req(backendStorage: Storage, partial: Partial<Request> & Pick<Request, 'operation' | 'path'>): Request {
  return makeRequest({ storage: backendStorage, ...partial });
}

async function rejectsWithCode(promise: Promise<unknown>, code: CofferError['code'], status: number, message?: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CofferError, `expected a CofferError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.status, status);
    if (message) assert.match(err.message, message);
    return true;
  });
}

before(async () => {
  dir = tempDir('coffer-plugin-test-');
  command = buildFixture('fixture-backend', dir);
  proc = await launchPlugin({ command, name: 'fixture', logger: log.logger });
});

after(async () => {
  await proc?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('external backend plugin', () => {
  it('reports its type and version before any mount (catalog registration)', async () => {
    const meta = await runPluginMetadata(command, [], {});
    assert.deepEqual(meta, { type: 'secret', version: 'v1.2.3', backendType: 'logical', protocolVersion: 1 });
    assert.equal(await proc.type(), 'secret');
    assert.equal(await proc.pluginVersion(), 'v1.2.3');
  });

  it('handshakes, serves requests, and keeps its data in the storage the server serves', async () => {
    const storage = new InmemStorage();
    const backend = await proc.dispense(mountConfig(storage, staticSystemView(), { version: '2' }));
    assert.equal(backend.type, 'logical');
    assert.equal(backend.pluginVersion(), 'v1.2.3');
    assert.deepEqual(backend.specialPaths().unauthenticated, ['login']);
    assert.deepEqual(backend.specialPaths().root, ['admin/*']);

    await backend.initialize({ storage });
    assert.deepEqual(JSON.parse((await storage.get('meta/initialized'))!.value.toString()), { at: 'initialize' });

    assert.deepEqual(await backend.handleExistenceCheck(req(storage, { operation: 'create', path: 'kv/app' })), {
      checkFound: true,
      exists: false,
    });
    assert.equal(await backend.handleRequest(req(storage, { operation: 'create', path: 'kv/app', data: { password: SECRET_VALUE } })), null);
    assert.deepEqual(JSON.parse((await storage.get('kv/app'))!.value.toString()), { password: SECRET_VALUE });
    assert.deepEqual(await backend.handleExistenceCheck(req(storage, { operation: 'update', path: 'kv/app' })), {
      checkFound: true,
      exists: true,
    });

    const updated = await backend.handleRequest(req(storage, { operation: 'update', path: 'kv/app', data: { password: 'p2' } }));
    assert.deepEqual(updated, { data: { updated: true }, warnings: ['overwrote an existing value'] });
    assert.deepEqual(await backend.handleRequest(req(storage, { operation: 'read', path: 'kv/app' })), { data: { password: 'p2' } });

    await backend.handleRequest(req(storage, { operation: 'create', path: 'kv/dir/x', data: { a: 1 } }));
    await backend.handleRequest(req(storage, { operation: 'create', path: 'kv/zeta', data: { a: 1 } }));
    assert.deepEqual(await backend.handleRequest(req(storage, { operation: 'list', path: 'kv/' })), { data: { keys: ['app', 'dir/', 'zeta'] } });
    assert.deepEqual(await backend.handleRequest(req(storage, { operation: 'list', path: 'page', data: { after: 'app', limit: 1 } })), {
      data: { keys: ['dir/'] },
    });

    assert.equal(await backend.handleRequest(req(storage, { operation: 'delete', path: 'kv/app' })), null);
    assert.equal(await storage.get('kv/app'), null);
    assert.equal(await backend.handleRequest(req(storage, { operation: 'read', path: 'kv/app' })), null);
    await backend.cleanup();
  });

  it('carries every request field and the mount config across', async () => {
    const storage = new InmemStorage();
    const backend = await proc.dispense(mountConfig(storage, staticSystemView(), { version: '2', x: 'y' }));
    const res = await backend.handleRequest(
      req(storage, {
        operation: 'read',
        path: 'config',
        data: { nested: { a: [1, 'two', null] }, flag: true },
        headers: { 'x-custom': ['a', 'b'] },
        policies: ['default', 'dev'],
        clientTokenRemainingUses: 3,
        connection: { remoteAddress: '10.0.0.1', remotePort: 4444 },
        wrapInfo: { ttl: 60, format: 'jwt' },
        mountPoint: 'fixture/',
      }),
    );
    const data = res!.data!;
    assert.deepEqual(data['config'], { version: '2', x: 'y' });
    assert.match(String(data['backend_uuid']), /^uuid-/);
    assert.deepEqual(data['echo'], { nested: { a: [1, 'two', null] }, flag: true });
    assert.deepEqual(data['headers'], { 'x-custom': ['a', 'b'] });
    assert.deepEqual(data['policies'], ['default', 'dev']);
    assert.equal(data['client_token_remaining_uses'], 3);
    assert.deepEqual(data['connection'], { remoteAddress: '10.0.0.1', remotePort: 4444 });
    assert.deepEqual(data['wrap_info'], { ttl: 60, format: 'jwt' });
    assert.equal(data['mount_point'], 'fixture/');
    await backend.cleanup();
  });

  it('carries leases, renewals and binary raw bodies back', async () => {
    const storage = new InmemStorage();
    const backend = await proc.dispense(mountConfig(storage));
    const creds = await backend.handleRequest(req(storage, { operation: 'read', path: 'creds' }));
    assert.deepEqual(creds!.data, { token: 'fixture-token' });
    assert.deepEqual(creds!.secret, { ttl: 60, maxTtl: 0, renewable: true, internalData: { issued: 'fixture', secret_type: 'token' } });

    const renewed = await backend.handleRequest(req(storage, { operation: 'renew', path: 'creds', secret: { ...creds!.secret!, leaseId: 'fixture/creds/abc' } }));
    assert.equal(renewed!.secret!.ttl, 120);
    assert.equal(renewed!.secret!.leaseId, 'fixture/creds/abc');
    assert.equal(renewed!.secret!.internalData['secret_type'], 'token');

    const raw = await backend.handleRequest(req(storage, { operation: 'read', path: 'raw' }));
    assert.ok(Buffer.isBuffer(raw!.data!['http_raw_body']));
    assert.deepEqual([...(raw!.data!['http_raw_body'] as Buffer)], [0, 1, 2, 255]);
    assert.equal(raw!.data!['http_content_type'], 'application/octet-stream');
    await backend.cleanup();
  });

  it('carries values larger than gRPC’s default 4 MiB message cap both ways', async () => {
    const storage = new InmemStorage();
    const backend = await proc.dispense(mountConfig(storage));
    const big = 'x'.repeat(6 * 1024 * 1024);
    await backend.handleRequest(req(storage, { operation: 'create', path: 'kv/big', data: { big } }));
    assert.equal((await storage.get('kv/big'))!.value.length, big.length + '{"big":""}'.length);
    const read = await backend.handleRequest(req(storage, { operation: 'read', path: 'kv/big' }));
    assert.equal((read!.data!['big'] as string).length, big.length);
    await backend.cleanup();
  });

  it('uses the storage a request names when it is not the mount storage', async () => {
    const mountStorage = new InmemStorage();
    const requestStorage = new InmemStorage();
    const backend = await proc.dispense(mountConfig(mountStorage));
    await backend.handleRequest(req(requestStorage, { operation: 'create', path: 'kv/only-here', data: { v: 1 } }));
    assert.ok(await requestStorage.get('kv/only-here'));
    assert.equal(await mountStorage.get('kv/only-here'), null);
    await backend.cleanup();
  });

  it('keeps error codes and messages across the process boundary', async () => {
    const storage = new InmemStorage();
    const backend = await proc.dispense(mountConfig(storage));
    const read = (path: string) => backend.handleRequest(req(storage, { operation: 'read', path }));
    await rejectsWithCode(read('fail/invalid_request'), 'invalid_request', 400, /^the plugin refused: invalid_request$/);
    await rejectsWithCode(read('fail/permission_denied'), 'permission_denied', 403);
    await rejectsWithCode(read('fail/rate_limited'), 'rate_limited', 429);
    await rejectsWithCode(read('fail/plain'), 'internal', 500, /a plain error from the plugin/);
    await rejectsWithCode(read('no/such/path'), 'unsupported_path', 404);
    await rejectsWithCode(backend.handleRequest(req(storage, { operation: 'patch', path: 'creds' })), 'unsupported_operation', 405);

    // An error of the server's storage reaches the plugin and comes back with its code.
    const sealed: Storage = {
      get: async () => {
        throw new CofferError('sealed', 'Vault is sealed');
      },
      put: async () => undefined,
      delete: async () => undefined,
      list: async () => [],
      listPage: async () => [],
    };
    await rejectsWithCode(backend.handleRequest(req(sealed, { operation: 'read', path: 'kv/x' })), 'sealed', 503, /Vault is sealed/);
    await backend.cleanup();
  });

  it('multiplexes mounts on one process, each with its own storage', async () => {
    const storageA = new InmemStorage();
    const storageB = new InmemStorage();
    const a = await proc.dispense(mountConfig(storageA, staticSystemView(), { name: 'a' }));
    const b = await proc.dispense(mountConfig(storageB, staticSystemView(), { name: 'b' }));
    await a.handleRequest(req(storageA, { operation: 'create', path: 'kv/k', data: { owner: 'a' } }));
    await b.handleRequest(req(storageB, { operation: 'create', path: 'kv/k', data: { owner: 'b' } }));
    assert.deepEqual((await a.handleRequest(req(storageA, { operation: 'read', path: 'kv/k' })))!.data, { owner: 'a' });
    assert.deepEqual((await b.handleRequest(req(storageB, { operation: 'read', path: 'kv/k' })))!.data, { owner: 'b' });
    assert.deepEqual((await a.handleRequest(req(storageA, { operation: 'read', path: 'config' })))!.data!['config'], { name: 'a' });
    assert.deepEqual((await b.handleRequest(req(storageB, { operation: 'read', path: 'config' })))!.data!['config'], { name: 'b' });
    assert.equal(storageA.size, 1);
    assert.equal(storageB.size, 1);

    // Many requests in flight on both mounts at once.
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const [backend, storage] = i % 2 === 0 ? [a, storageA] : [b, storageB];
        return backend.handleRequest(req(storage, { operation: 'read', path: 'kv/k' }));
      }),
    );
    many.forEach((res, i) => assert.equal(res!.data!['owner'], i % 2 === 0 ? 'a' : 'b'));

    await a.cleanup();
    await rejectsWithCode(a.handleRequest(req(storageA, { operation: 'read', path: 'kv/k' })), 'internal', 500, /no backend/);
    assert.deepEqual((await b.handleRequest(req(storageB, { operation: 'read', path: 'kv/k' })))!.data, { owner: 'b' });
    await b.cleanup();
  });

  it('answers system view calls from the mount’s own system view', async () => {
    const storage = new InmemStorage();
    const wrapped: Array<{ data: Record<string, unknown>; ttl: number; jwt: boolean }> = [];
    const system: SystemView = {
      defaultLeaseTtl: async () => 111,
      maxLeaseTtl: async () => 222,
      tainted: async () => true,
      cachingDisabled: async () => true,
      localMount: async () => true,
      pluginEnv: async () => ({ coffer_version: '9.9.9', vault_version: '1.15.0' }),
      responseWrapData: async (data, ttl, jwt) => {
        wrapped.push({ data, ttl, jwt });
        return { token: 'hvs.wrapping', accessor: 'acc', ttl, creation_time: '2024-01-01T00:00:00Z', creation_path: 'fixture/sys-info' };
      },
    };
    const backend = await proc.dispense(mountConfig(storage, system));
    const other = await proc.dispense(mountConfig(new InmemStorage(), staticSystemView({ defaultLeaseTtl: 5 })));

    const info = await backend.handleRequest(req(storage, { operation: 'read', path: 'sys-info' }));
    assert.deepEqual(info!.data, {
      default_lease_ttl: 111,
      max_lease_ttl: 222,
      tainted: true,
      caching_disabled: true,
      local_mount: true,
      plugin_env: { coffer_version: '9.9.9', vault_version: '1.15.0' },
    });
    const otherInfo = await other.handleRequest(req(storage, { operation: 'read', path: 'sys-info' }));
    assert.equal(otherInfo!.data!['default_lease_ttl'], 5);

    const wrap = await backend.handleRequest(req(storage, { operation: 'update', path: 'sys-info', data: { value: 'to-wrap' } }));
    assert.deepEqual(wrap!.data, { token: 'hvs.wrapping', ttl: 300 });
    assert.deepEqual(wrapped, [{ data: { wrapped: 'to-wrap' }, ttl: 300, jwt: false }]);

    // An optional system view method the server lacks is a clear 405.
    await rejectsWithCode(backend.handleRequest(req(storage, { operation: 'read', path: 'password' })), 'unsupported_operation', 405);
    const withPasswords = await proc.dispense(
      mountConfig(storage, { ...staticSystemView(), generatePasswordFromPolicy: async (name) => `pw-from-${name}` }),
    );
    assert.deepEqual((await withPasswords.handleRequest(req(storage, { operation: 'read', path: 'password' })))!.data, {
      password: 'pw-from-fixture',
    });
    await Promise.all([backend.cleanup(), other.cleanup(), withPasswords.cleanup()]);
  });

  it('logs the plugin’s stderr line by line under its name', async () => {
    const storage = new InmemStorage();
    const backend = await proc.dispense(mountConfig(storage));
    await backend.handleRequest(req(storage, { operation: 'update', path: 'log', data: { marker: 'm-42' } }));
    await eventually(() => log.records.some((r) => r.msg === 'plain stderr line m-42'));
    const structured = log.records.find((r) => r.msg === 'fixture structured log line' && r.fields['marker'] === 'm-42');
    assert.ok(structured, 'the JSON log line keeps its message and fields');
    assert.equal(structured.level, 'warn');
    assert.equal(structured.bindings['plugin'], 'fixture');
    const plain = log.records.find((r) => r.msg === 'plain stderr line m-42')!;
    assert.equal(plain.level, 'info');
    assert.equal(plain.bindings['plugin'], 'fixture');
    assert.equal(plain.bindings['stream'], 'stderr');
    await backend.cleanup();
  });

  it('never logs storage values', () => {
    assert.ok(log.records.length > 0);
    assert.ok(!log.text().includes(SECRET_VALUE));
  });
});

describe('a plugin process that dies', () => {
  it('fails calls with "unavailable", emits exit, and lets the caller start a new one', async () => {
    const events = recordingLogger();
    const victim = await launchPlugin({ command, name: 'victim', logger: events.logger });
    const storage = new InmemStorage();
    const backend: Backend = await victim.dispense(mountConfig(storage));
    await backend.handleRequest(req(storage, { operation: 'create', path: 'kv/keep', data: { v: 1 } }));
    const exits: PluginExitInfo[] = [];
    victim.on('exit', (info) => exits.push(info));

    await rejectsWithCode(backend.handleRequest(req(storage, { operation: 'read', path: 'crash' })), 'unavailable', 503, /exited with code 3/);
    const exit = await victim.exited;
    assert.deepEqual(exit, { code: 3, signal: null, requested: false });
    assert.deepEqual(exits, [exit]);
    assert.equal(victim.isExited, true);

    // Every later call fails the same way, at once; cleanup still succeeds.
    await rejectsWithCode(backend.handleRequest(req(storage, { operation: 'read', path: 'kv/keep' })), 'unavailable', 503);
    await backend.cleanup();

    // The restart the contract describes: new process, same config, data intact.
    const replacement = await launchPlugin({ command, name: 'victim', logger: events.logger });
    try {
      const again = await replacement.dispense(mountConfig(storage));
      assert.deepEqual((await again.handleRequest(req(storage, { operation: 'read', path: 'kv/keep' })))!.data, { v: 1 });
    } finally {
      await replacement.kill();
    }
  });

  it('kill() stops it; later calls are "unavailable"', async () => {
    const stopped = await launchPlugin({ command, name: 'stopped', logger: recordingLogger().logger });
    const storage = new InmemStorage();
    const backend = await stopped.dispense(mountConfig(storage));
    const info = await stopped.kill();
    assert.equal(info.requested, true);
    await rejectsWithCode(backend.handleRequest(req(storage, { operation: 'read', path: 'kv/x' })), 'unavailable', 503, /stopped/);
    await rejectsWithCode(stopped.dispense(mountConfig(storage)), 'unavailable', 503);
    assert.deepEqual(await stopped.kill(), info);
  });
});
