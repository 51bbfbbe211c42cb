import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  CofferError,
  InmemStorage,
  createBackend,
  makeRequest,
  silentLogger,
  staticSystemView,
  type Backend,
  type BackendFactory,
  type Operation,
  type Response,
} from '@coffer/sdk';
import type { BuiltinPlugin } from '@coffer/builtin';
import { Router } from '../core/router.js';
import type { BackendSource } from '../mounts/backend-source.js';
import type { MountEntry } from '../mounts/mount-entry.js';
import { MountManager } from '../mounts/mount-manager.js';
import { DrainableBackend } from './drainable-backend.js';
import { ExternalBackend } from './external-backend.js';
import { createPluginSystem, type PluginHost, type PluginSystem } from './plugin-system.js';
import { fixturePlugin, rejectsWith, sha256Of, tempDir, writeScript } from './testdata/helpers.js';

const root = tempDir('coffer-plugin-system-');
const dir = join(root, 'plugins');
mkdirSync(dir);
let sha1: string;
let sha2: string;

before(() => {
  sha1 = sha256Of(fixturePlugin(dir, 'fixture-v1'));
  // Same code, different bytes: a second build of the plugin.
  fixturePlugin(dir, 'fixture-v2');
  appendFileSync(join(dir, 'fixture-v2'), '\n// build 2\n');
  sha2 = sha256Of(join(dir, 'fixture-v2'));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A built-in "azure" secrets engine, to be overridden by an external plugin. */
const builtinAzure: BackendFactory = async () =>
  createBackend({ type: 'logical', help: 'built-in azure', paths: [{ pattern: 'info', operations: { read: async () => ({ data: { builtin: true } }) } }] });
const builtins: BuiltinPlugin[] = [{ type: 'secret', name: 'azure', factory: builtinAzure, version: '0.1.0', deprecationStatus: 'supported' }];
const builtinSource: BackendSource = {
  async create(entry, conf) {
    const plugin = builtins.find((p) => p.name === entry.type);
    if (!plugin) throw new CofferError('invalid_request', `plugin not found in the catalog: ${entry.type}`);
    return { backend: await plugin.factory(conf), runningVersion: `v${plugin.version}+builtin`, runningSha256: '' };
  },
};

let system: PluginSystem;
let host: PluginHost & { mounts: MountManager; router: Router };
let sysBackend: Backend;

beforeEach(async () => {
  const barrier = new InmemStorage();
  const router = new Router();
  let mounts!: MountManager;
  host = { barrier, router, get mounts() { return mounts; } };
  system = createPluginSystem({ pluginDirectory: dir, nodeId: 'node-a|http://127.0.0.1:8200', logger: silentLogger, builtins, drainTimeoutMs: 10_000 });
  mounts = new MountManager({
    barrier,
    router,
    source: system.wrapSource(builtinSource, host),
    systemViewFor: () => staticSystemView(),
    logger: silentLogger,
    revokeLeasesUnder: async () => undefined,
    defaultMounts: () => [],
  });
  await mounts.load();
  await system.onUnsealed(host);
  sysBackend = createBackend({ type: 'logical', help: 'sys', paths: system.extraSysPaths(host) });
});
afterEach(async () => {
  await system.onSealing(host);
});

function sys(operation: Operation, path: string, data: Record<string, unknown> = {}): Promise<Response | null> {
  return sysBackend.handleRequest(makeRequest({ operation, path, data, storage: host.barrier }));
}

async function send(path: string, operation: Operation = 'read', data: Record<string, unknown> = {}): Promise<Record<string, unknown> | undefined> {
  const route = host.router.match(path);
  assert.ok(route, `no route for ${path}`);
  const resp = await route.backend.handleRequest(makeRequest({ operation, path: path.slice(route.path.length), data, storage: route.storage }));
  return resp?.data;
}

function externalOf(mount: string): ExternalBackend {
  const backend = host.router.get(mount)!.backend;
  assert.ok(backend instanceof DrainableBackend && backend.inner instanceof ExternalBackend, `${mount} is not an external plugin`);
  return backend.inner;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not reached');
}

const register = (name: string, body: Record<string, unknown>, type = 'secret') => sys('update', `plugins/catalog/${type}/${name}`, body);

describe('sys/plugins/catalog', () => {
  it('registers, lists and reads plugins in Vault\'s shapes, never showing env', async () => {
    await register('my-plugin', { sha256: sha1, command: 'fixture-v1', version: 'v1.0.0', env: ['FIXTURE_VERSION=v1.0.0', 'API_KEY=s3cr3t'] });
    const all = (await sys('read', 'plugins/catalog'))!.data!;
    assert.deepEqual(all['secret'], ['azure', 'my-plugin']);
    assert.equal(all['auth'], undefined);
    assert.deepEqual(all['detailed'], [
      { type: 'secret', name: 'azure', version: 'v0.1.0+builtin', builtin: true, deprecation_status: 'supported' },
      { type: 'secret', name: 'my-plugin', version: 'v1.0.0', builtin: false, sha256: sha1 },
    ]);
    assert.deepEqual((await sys('list', 'plugins/catalog/secret'))!.data, { keys: ['azure', 'my-plugin'] });

    const read = (await sys('read', 'plugins/catalog/secret/my-plugin', { version: '1.0.0' }))!.data!;
    assert.deepEqual(read, { name: 'my-plugin', args: [], command: 'fixture-v1', sha256: sha1, builtin: false, version: 'v1.0.0' });
    assert.ok(!JSON.stringify(read).includes('s3cr3t'));
    assert.deepEqual((await sys('read', 'plugins/catalog/secret/azure'))!.data, {
      name: 'azure', args: [], command: '', sha256: '', builtin: true, version: 'v0.1.0+builtin', deprecation_status: 'supported',
    });
    await rejectsWith(sys('read', 'plugins/catalog/secret/my-plugin'), 'not_found', /^$/);
    assert.match((await sys('read', 'plugins/catalog/my-plugin'))!.warnings![0]!, /Deprecated API endpoint/);

    await sys('delete', 'plugins/catalog/secret/my-plugin', { version: 'v1.0.0' });
    await rejectsWith(sys('read', 'plugins/catalog/secret/my-plugin', { version: 'v1.0.0' }), 'not_found', /^$/);
    await rejectsWith(sys('delete', 'plugins/catalog/secret/azure', { version: 'v0.1.0+builtin' }), 'invalid_request', /cannot be deregistered/);
  });

  it('knows registered plugins as mount types (so `secrets enable my-plugin` works)', async () => {
    assert.equal(await system.knownType('secret', 'my-plugin'), false);
    await register('my-plugin', { sha256: sha1, command: 'fixture-v1' });
    assert.equal(await system.knownType('secret', 'my-plugin'), true);
    assert.equal(await system.knownType('auth', 'my-plugin'), false);
  });
});

describe('external plugin mounts', () => {
  it('mounts of one plugin share one process and report the running version and sha256', async () => {
    await register('my-plugin', { sha256: sha1, command: 'fixture-v1', version: 'v1.0.0', env: ['FIXTURE_VERSION=v1.0.0'] });
    const a = await host.mounts.enable('mounts', 'a/', 'my-plugin', {});
    await host.mounts.enable('mounts', 'b/', 'my-plugin', {});
    assert.equal(a.plugin_version, 'v1.0.0', 'the newest registered version is recorded on the new mount, as Vault does');
    const pidA = (await send('a/info'))!['pid'];
    assert.equal((await send('b/info'))!['pid'], pidA);
    assert.deepEqual(host.mounts.runningInfo(a), { version: 'v1.0.0', sha256: sha1 });
    // Each mount keeps its own storage inside the shared process.
    await send('a/kv/x', 'update', { value: 'in-a' });
    assert.equal((await send('a/kv/x'))!['value'], 'in-a');
    assert.equal(await send('b/kv/x'), undefined);
  });

  it('restarts a crashed plugin (sha256 checked again) and retries the request once', async () => {
    await register('my-plugin', { sha256: sha1, command: 'fixture-v1' });
    await host.mounts.enable('mounts', 'a/', 'my-plugin', {});
    await host.mounts.enable('mounts', 'b/', 'my-plugin', {});
    await send('a/kv/kept', 'update', { value: 'survives' });
    const pid = (await send('a/info'))!['pid'] as number;
    process.kill(pid, 'SIGKILL');
    await until(() => externalOf('a/').currentProcess.isExited);

    const again = await send('a/kv/kept');
    assert.equal(again!['value'], 'survives');
    assert.notEqual(again!['pid'], pid);
    // The other mount of the same plugin moves to the same new process.
    assert.equal((await send('b/info'))!['pid'], again!['pid']);
  });

  it('retries a request only once: a request that kills the plugin every time fails, the next one is served', async () => {
    await register('my-plugin', { sha256: sha1, command: 'fixture-v1' });
    await host.mounts.enable('mounts', 'c/', 'my-plugin', {});
    const pid = (await send('c/info'))!['pid'];
    await rejectsWith(send('c/crash'), 'unavailable', /plugin "secret\/my-plugin" is unavailable/);
    const after = (await send('c/info'))!['pid'];
    assert.ok(after !== pid);
  });

  it('refuses to restart a binary that was changed on disk', async () => {
    copyFileSync(join(dir, 'fixture-v1'), join(dir, 'swappable'));
    await register('swappable', { sha256: sha1, command: 'swappable' });
    await host.mounts.enable('mounts', 's/', 'swappable', {});
    const pid = (await send('s/info'))!['pid'] as number;
    appendFileSync(join(dir, 'swappable'), '\n// tampered\n');
    process.kill(pid, 'SIGKILL');
    await until(() => externalOf('s/').currentProcess.isExited);
    await rejectsWith(send('s/info'), 'invalid_request', /sha256 mismatch for plugin "secret\/swappable"/);
  });

  it('a plugin that is a secrets engine cannot be enabled as an auth method', async () => {
    await register('my-plugin', { sha256: sha1, command: 'fixture-v1' });
    // Registered as auth by a legacy untyped registration would be refused; force a wrong catalog entry instead.
    await system.catalog().register({ name: 'wrong', type: 'auth', version: '', command: 'fixture-v1', args: [], env: [], sha256: sha1 });
    await rejectsWith(host.mounts.enable('auth', 'wrong/', 'wrong', {}), 'invalid_request', /is a secrets engine and cannot be mounted as an auth method/);
  });
});

describe('upgrades and reloads', () => {
  it('follows the upgrade procedure: register the new binary, reload, and in-flight requests finish on the old process', async () => {
    await register('my-plugin', { sha256: sha1, command: 'fixture-v1' });
    const entry = await host.mounts.enable('mounts', 'up/', 'my-plugin', {});
    const oldPid = (await send('up/info'))!['pid'] as number;

    await register('my-plugin', { sha256: sha2, command: 'fixture-v2' });
    // Until the reload the mount still runs the first binary.
    assert.equal((await send('up/info'))!['pid'], oldPid);

    const slow = send('up/slow/300');
    const reload = await sys('update', 'plugins/reload/backend', { plugin: 'my-plugin' });
    const reloadId = reload!.data!['reload_id'] as string;
    assert.ok(reloadId);
    assert.equal((await slow)!['pid'], oldPid, 'the request in flight finished on the old process');
    const newPid = (await send('up/info'))!['pid'] as number;
    assert.notEqual(newPid, oldPid);
    assert.deepEqual(host.mounts.runningInfo(entry), { version: '', sha256: sha2 });
    await until(() => !alive(oldPid));

    const status = (await sys('read', 'plugins/reload/backend/status', { reload_id: reloadId }))!.data!;
    assert.equal(status['reload_id'], reloadId);
    const results = status['results'] as Record<string, { timestamp: string; error: string }>;
    assert.deepEqual(Object.keys(results), ['node-a|http://127.0.0.1:8200']);
    assert.equal(results['node-a|http://127.0.0.1:8200']!.error, '');
  });

  it('a reload that cannot start the new binary keeps the old one serving and reports the error', async () => {
    await register('my-plugin', { sha256: sha1, command: 'fixture-v1' });
    await host.mounts.enable('mounts', 'keep/', 'my-plugin', {});
    const pid = (await send('keep/info'))!['pid'];
    const broken = writeScript(dir, 'broken-plugin', 'exit 1');
    // Registration would refuse it; put it in the catalog directly, as a binary replaced after registration would be.
    await system.catalog().register({ name: 'my-plugin', type: 'secret', version: '', command: 'broken-plugin', args: [], env: [], sha256: sha256Of(broken) });
    // The server could not start what the catalog names: a 500, as Vault answers a failed reload.
    await rejectsWith(sys('update', 'plugins/reload/backend', { mounts: ['keep/'] }), 'internal', /cannot reload plugin on "keep\/" \(it keeps serving with its previous backend\): .*exited with code 1/);
    assert.equal((await send('keep/info'))!['pid'], pid);
  });

  it('a global reload answers 202 with the reload id; bad parameters are refused', async () => {
    await register('my-plugin', { sha256: sha1, command: 'fixture-v1' });
    await host.mounts.enable('mounts', 'g/', 'my-plugin', {});
    const resp = await sys('update', 'plugins/reload/secret/my-plugin', { scope: 'global' });
    assert.equal(resp!.statusCode, 202);
    assert.ok(resp!.data!['reload_id']);
    const none = await sys('update', 'plugins/reload/backend', { plugin: 'nobody-uses-this' });
    assert.match(none!.warnings![0]!, /no plugins were reloaded/);
    await rejectsWith(sys('update', 'plugins/reload/backend', { plugin: 'x', mounts: ['g/'] }), 'invalid_request', /cannot be set at the same time/);
    await rejectsWith(sys('update', 'plugins/reload/backend', {}), 'invalid_request', /plugin or mounts must be provided/);
    await rejectsWith(sys('update', 'plugins/reload/backend', { plugin: 'x', scope: 'cluster' }), 'invalid_request', /omitted or 'global'/);
  });

  it('overrides a built-in and reverts to it, as the documented procedure does', async () => {
    const entry = await host.mounts.enable('mounts', 'azure/', 'azure', {});
    assert.deepEqual(await send('azure/info'), { builtin: true });

    await register('azure', { sha256: sha1, command: 'fixture-v1' });
    assert.equal((await sys('read', 'plugins/catalog/secret/azure'))!.data!['builtin'], false);
    assert.deepEqual(await send('azure/info'), { builtin: true }, 'not yet: the override takes effect on reload');
    await sys('update', 'plugins/reload/backend', { plugin: 'azure' });
    const pid = (await send('azure/info'))!['pid'] as number;
    assert.ok(pid > 0);
    assert.deepEqual(host.mounts.runningInfo(entry), { version: '', sha256: sha1 });

    await sys('delete', 'plugins/catalog/secret/azure');
    assert.equal((await sys('read', 'plugins/catalog/secret/azure'))!.data!['builtin'], true);
    await sys('update', 'plugins/reload/backend', { plugin: 'azure' });
    assert.deepEqual(await send('azure/info'), { builtin: true });
    assert.deepEqual(host.mounts.runningInfo(entry), { version: 'v0.1.0+builtin', sha256: '' });
    await until(() => !alive(pid));
  });

  it('pins a version: mounts move to it on reload, and the pinned version cannot be deregistered', async () => {
    await register('pinned', { sha256: sha1, command: 'fixture-v1', version: 'v1.0.0', env: ['FIXTURE_VERSION=v1.0.0'] });
    await register('pinned', { sha256: sha2, command: 'fixture-v2', version: 'v2.0.0', env: ['FIXTURE_VERSION=v2.0.0'] });
    const entry = await host.mounts.enable('mounts', 'p/', 'pinned', {});
    assert.equal((await send('p/info'))!['version'], 'v2.0.0');

    await sys('update', 'plugins/pins/secret/pinned', { version: 'v1.0.0' });
    assert.deepEqual((await sys('read', 'plugins/pins'))!.data, { pinned_versions: [{ type: 'secret', name: 'pinned', version: 'v1.0.0' }] });
    assert.deepEqual((await sys('read', 'plugins/pins/secret/pinned'))!.data, { type: 'secret', name: 'pinned', version: 'v1.0.0' });
    await sys('update', 'plugins/reload/backend', { mounts: 'p/' });
    assert.equal((await send('p/info'))!['version'], 'v1.0.0');
    assert.deepEqual(host.mounts.runningInfo(entry), { version: 'v1.0.0', sha256: sha1 });

    await rejectsWith(sys('delete', 'plugins/catalog/secret/pinned', { version: 'v1.0.0' }), 'invalid_request', /is pinned: delete the pin/);
    await sys('delete', 'plugins/pins/secret/pinned');
    await rejectsWith(sys('read', 'plugins/pins/secret/pinned'), 'not_found', /^$/);
  });
});

describe('lifecycle', () => {
  it('sealing stops every plugin process', async () => {
    await register('my-plugin', { sha256: sha1, command: 'fixture-v1' });
    await host.mounts.enable('mounts', 'a/', 'my-plugin', {});
    const pid = (await send('a/info'))!['pid'] as number;
    await system.onSealing(host);
    await until(() => !alive(pid));
  });

  it('dev mode registers every plugin binary in the directory and skips what is not a plugin', async () => {
    const devDir = join(root, 'dev');
    mkdirSync(devDir);
    fixturePlugin(devDir, 'dev-plugin');
    writeScript(devDir, 'not-a-plugin', 'echo nope');
    const report = await system.registerDevPlugins(devDir);
    assert.deepEqual(report.registered.map((r) => [r.name, r.type, r.version]), [['dev-plugin', 'secret', '']]);
    assert.deepEqual(report.failed.map((f) => f.name), ['not-a-plugin']);
    await host.mounts.enable('mounts', 'dev/', 'dev-plugin', {});
    assert.ok((await send('dev/info'))!['pid']);
  });
});

/** Keeps MountEntry imported for the type of enable()'s result in editors. */
export type { MountEntry };
