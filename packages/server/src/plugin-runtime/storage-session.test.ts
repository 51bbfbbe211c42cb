import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { InmemStorage, makeRequest, staticSystemView, type Backend, type Storage } from '@coffer/sdk';
import { pluginProtocol } from '@coffer/sdk/plugin/index.js';
import { launchPlugin, type PluginProcess } from './index.js';
import { buildFixture, recordingLogger, tempDir } from './testdata/helpers.js';

// The fast path (Backend.Calls + Storage.Session with the plugin-side cache)
// must never serve a stale value: two processes serving the same storage
// (as during a reload) see each other's writes at once, a direct write the
// server announces through InvalidateKey is seen, and a plugin that speaks
// only the unary calls still works.

let dir: string;
let command: string;
const log = recordingLogger();
const processes: PluginProcess[] = [];

async function launch(env: Record<string, string> = {}): Promise<PluginProcess> {
  const proc = await launchPlugin({ command, name: 'fixture', logger: log.logger, env });
  processes.push(proc);
  return proc;
}

function mount(proc: PluginProcess, storage: Storage): Promise<Backend> {
  return proc.dispense({ storage, system: staticSystemView(), logger: log.logger, config: {}, backendUuid: `uuid-${Math.random()}` });
}

const write = (b: Backend, storage: Storage, name: string, value: string) =>
  b.handleRequest(makeRequest({ storage, operation: 'update', path: `kv/${name}`, data: { value } }));
const read = async (b: Backend, storage: Storage, name: string) =>
  (await b.handleRequest(makeRequest({ storage, operation: 'read', path: `kv/${name}` })))?.data?.['value'];
const list = async (b: Backend, storage: Storage) =>
  (await b.handleRequest(makeRequest({ storage, operation: 'list', path: 'kv/' })))?.data?.['keys'];

before(() => {
  dir = tempDir('coffer-session-test-');
  command = buildFixture('fixture-backend', dir);
});

after(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  rmSync(dir, { recursive: true, force: true });
});

describe('storage session and plugin-side cache', () => {
  it('two processes on one storage (a reload in progress) see each other’s writes and deletes at once', async () => {
    const storage = new InmemStorage();
    const [a, b] = [await mount(await launch(), storage), await mount(await launch(), storage)];
    await write(a, storage, 'k', 'one');
    assert.equal(await read(b, storage, 'k'), 'one');
    assert.deepEqual(await list(b, storage), ['k']);
    // b now caches "k" and the list; a's writes must reach it before a's call returns.
    await write(a, storage, 'k', 'two');
    assert.equal(await read(b, storage, 'k'), 'two');
    await write(a, storage, 'other', 'x');
    assert.deepEqual(await list(b, storage), ['k', 'other']);
    await a.handleRequest(makeRequest({ storage, operation: 'delete', path: 'kv/k' }));
    assert.equal(await read(b, storage, 'k'), undefined);
    assert.deepEqual(await list(b, storage), ['other']);
    // The stored bytes are what the last write made, whichever process made it.
    assert.equal(await storage.get('kv/k'), null);
    assert.deepEqual(JSON.parse((await storage.get('kv/other'))!.value.toString()), { value: 'x' });
  });

  it('a write the server makes itself is seen once the server invalidates the key', async () => {
    const storage = new InmemStorage();
    const backend = await mount(await launch(), storage);
    await write(backend, storage, 'k', 'cached');
    assert.equal(await read(backend, storage, 'k'), 'cached');
    await storage.put({ key: 'kv/k', value: Buffer.from(JSON.stringify({ value: 'from the server' })) });
    await backend.invalidateKey('kv/k');
    assert.equal(await read(backend, storage, 'k'), 'from the server');
  });

  it(`a plugin without the streams (${pluginProtocol.STREAMS_ENV}=off) serves through the unary calls`, async () => {
    const storage = new InmemStorage();
    const plain = await launch({ [pluginProtocol.STREAMS_ENV]: 'off' });
    const backend = await mount(plain, storage);
    await write(backend, storage, 'k', 'unary');
    assert.equal(await read(backend, storage, 'k'), 'unary');
    assert.deepEqual(JSON.parse((await storage.get('kv/k'))!.value.toString()), { value: 'unary' });
    // Uncached: a direct write is seen without any invalidation.
    await storage.put({ key: 'kv/k', value: Buffer.from(JSON.stringify({ value: 'direct' })) });
    assert.equal(await read(backend, storage, 'k'), 'direct');
    // And a streaming process on the same storage is told about the unary process's writes.
    const fast = await mount(await launch(), storage);
    assert.equal(await read(fast, storage, 'k'), 'direct');
    await write(backend, storage, 'k', 'unary again');
    assert.equal(await read(fast, storage, 'k'), 'unary again');
  });
});
