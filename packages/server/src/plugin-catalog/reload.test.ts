import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  CofferError,
  InmemStorage,
  makeRequest,
  silentLogger,
  staticSystemView,
  StorageView,
  type Backend,
  type BackendFactory,
  type Request,
  type Response,
} from '@coffer/sdk';
import type { BuiltinPlugin } from '@coffer/builtin';
import { Router } from '../core/router.js';
import type { BackendSource } from '../mounts/backend-source.js';
import type { MountEntry } from '../mounts/mount-entry.js';
import { MountManager } from '../mounts/mount-manager.js';
import { PluginCatalog } from './catalog.js';
import { DrainableBackend } from './drainable-backend.js';
import { MountReloader } from './mount-reloader.js';
import { PluginReloadService, reloadFailure } from './plugin-reload.js';
import { PluginSource } from './plugin-source.js';
import { ProcessPool } from './process-pool.js';
import { RELOAD_PREFIX, ReloadStore } from './reload-store.js';

/** A built-in backend whose "slow" requests wait on a gate, so that requests can be in flight during a reload. */
class FakeBackend implements Backend {
  readonly type = 'logical' as const;
  cleaned = false;
  constructor(
    readonly generation: number,
    private readonly gate: Promise<void>,
    private readonly events: string[],
  ) {}
  async handleRequest(req: Request): Promise<Response | null> {
    // A database engine answers reload/:plugin_name with the connections it reopened.
    if (req.path === 'reload/my-db-plugin') return { data: { connections: ['a', 'b'], count: 2 } };
    if (req.path.startsWith('reload/')) throw new CofferError('unsupported_path', 'unsupported path');
    if (req.path === 'slow') await this.gate;
    this.events.push(`done ${this.generation}`);
    return { data: { generation: this.generation } };
  }
  async handleExistenceCheck() {
    return { checkFound: false, exists: false };
  }
  specialPaths() {
    return {};
  }
  async initialize() {}
  async cleanup() {
    this.events.push(`cleanup ${this.generation}`);
    this.cleaned = true;
  }
  async invalidateKey() {}
  pluginVersion() {
    return '';
  }
}

const neverUsed: BackendFactory = async () => {
  throw new Error('not used');
};
const builtins: BuiltinPlugin[] = [
  { type: 'secret', name: 'fake', factory: neverUsed, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'auth', name: 'fake', factory: neverUsed, version: '0.1.0', deprecationStatus: 'supported' },
];

interface Harness {
  router: Router;
  mounts: MountManager;
  reloader: MountReloader;
  barrier: InmemStorage;
  events: string[];
  /** The gate the next backend built waits on for "slow" requests. */
  nextGate: Promise<void>;
  /** Router paths whose next build fails. */
  failing: Set<string>;
  generation: number;
  service(nodeId: string): PluginReloadService;
}

let h: Harness;

beforeEach(async () => {
  const router = new Router();
  const barrier = new InmemStorage();
  const events: string[] = [];
  const harness = { router, barrier, events, nextGate: Promise.resolve(), failing: new Set<string>(), generation: 0 } as Harness;
  const fakeBuiltins: BackendSource = {
    async create(entry: MountEntry) {
      const path = entry.table === 'auth' ? `auth/${entry.path}` : entry.path;
      if (harness.failing.has(path)) throw new CofferError('invalid_request', `sha256 mismatch for plugin "${entry.type}" (simulated)`);
      const generation = ++harness.generation;
      return { backend: new FakeBackend(generation, harness.nextGate, events), runningVersion: `v0.1.${generation}+builtin`, runningSha256: '' };
    },
  };
  const pool = new ProcessPool({
    resolveCommand: async () => {
      throw new Error('no external plugins here');
    },
    launch: async () => {
      throw new Error('no external plugins here');
    },
    logger: silentLogger,
  });
  const catalog = new PluginCatalog({ barrier, builtins });
  const source = new PluginSource(fakeBuiltins, { catalog, pool, logger: silentLogger, isNewMount: (e) => harness.mounts.find(e.table, e.path) !== e });
  harness.mounts = new MountManager({
    barrier,
    router,
    source,
    systemViewFor: () => staticSystemView(),
    logger: silentLogger,
    revokeLeasesUnder: async () => undefined,
    defaultMounts: () => [],
  });
  await harness.mounts.load();
  harness.reloader = new MountReloader({ mounts: () => harness.mounts, router: () => router, source, pool, logger: silentLogger, drainTimeoutMs: 10_000 });
  harness.service = (nodeId) =>
    new PluginReloadService({ reloader: harness.reloader, store: () => new ReloadStore(new StorageView(barrier, RELOAD_PREFIX)), nodeId, logger: silentLogger });
  h = harness;
});

/** What the request pipeline does: look the route up once, then call its backend. */
function send(path: string): Promise<Response | null> {
  const route = h.router.match(path)!;
  return route.backend.handleRequest(makeRequest({ operation: 'read', path: path.slice(route.path.length), storage: route.storage }));
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'condition not reached');
}

describe('reload without dropping a request', () => {
  it('50 requests in flight finish on the old backend while new requests reach the new one', async () => {
    const slow = gate();
    h.nextGate = slow.promise;
    const entry = await h.mounts.enable('mounts', 'fake/', 'fake', {});
    h.nextGate = Promise.resolve();
    const oldBackend = h.router.get('fake/')!.backend;
    assert.ok(oldBackend instanceof DrainableBackend);

    const inFlight = Array.from({ length: 50 }, () => send('fake/slow'));
    await until(() => oldBackend.inFlight === 50);

    const reloading = h.reloader.reload([entry]);
    await until(() => h.router.get('fake/')!.backend !== oldBackend);
    // New requests go to the new backend at once; the old one is still draining.
    assert.deepEqual((await send('fake/fast'))?.data, { generation: 2 });
    assert.deepEqual(h.mounts.runningInfo(entry), { version: 'v0.1.2+builtin', sha256: '' });
    assert.ok(!h.events.includes('cleanup 1'), 'the old backend must not be cleaned up while requests run on it');

    slow.open();
    const answers = await Promise.all(inFlight);
    assert.equal(answers.length, 50);
    for (const answer of answers) assert.deepEqual(answer?.data, { generation: 1 });
    assert.deepEqual(await reloading, [{ mount: 'fake/' }]);
    // Cleanup came after the last in-flight request finished.
    assert.ok(h.events.lastIndexOf('done 1') < h.events.indexOf('cleanup 1'));
    assert.equal(h.events.filter((e) => e === 'done 1').length, 50);
  });

  it('a reload whose new backend fails keeps the old one serving and reports the error', async () => {
    const entry = await h.mounts.enable('mounts', 'fake/', 'fake', {});
    const before = h.router.get('fake/')!.backend;
    h.failing.add('fake/');
    const outcomes = await h.reloader.reload([entry]);
    assert.deepEqual(outcomes, [{ mount: 'fake/', error: 'sha256 mismatch for plugin "fake" (simulated)', code: 'invalid_request' }]);
    assert.equal(h.router.get('fake/')!.backend, before);
    assert.deepEqual((await send('fake/x'))?.data, { generation: 1 });
    assert.ok(!h.events.includes('cleanup 1'));
  });

  it('one bad mount never stops the others', async () => {
    const a = await h.mounts.enable('mounts', 'a/', 'fake', {});
    const b = await h.mounts.enable('mounts', 'b/', 'fake', {});
    h.failing.add('b/');
    const outcomes = await h.reloader.reload([a, b]);
    assert.deepEqual(outcomes.map((o) => [o.mount, o.error === undefined]), [['a/', true], ['b/', false]]);
    assert.deepEqual((await send('a/x'))?.data, { generation: 3 });
    assert.deepEqual((await send('b/x'))?.data, { generation: 2 });
  });

  it('cleans up the old backend after the drain timeout when a request never finishes', async () => {
    h.nextGate = new Promise(() => undefined);
    const entry = await h.mounts.enable('mounts', 'stuck/', 'fake', {});
    h.nextGate = Promise.resolve();
    void send('stuck/slow');
    const reloader = new MountReloader({ mounts: () => h.mounts, router: () => h.router, source: (h.reloader as unknown as { deps: { source: PluginSource } }).deps.source, pool: (h.reloader as unknown as { deps: { pool: ProcessPool } }).deps.pool, logger: silentLogger, drainTimeoutMs: 20 });
    assert.deepEqual(await reloader.reload([entry]), [{ mount: 'stuck/' }]);
    assert.ok(h.events.includes('cleanup 1'));
  });
});

describe('reload requests and their status', () => {
  it('a plugin reload reaches its secret and auth mounts, and the status shows this node\'s result', async () => {
    await h.mounts.enable('mounts', 'fake/', 'fake', {});
    await h.mounts.enable('auth', 'fake/', 'fake', {});
    await h.mounts.enable('mounts', 'other/', 'fake', {});
    const report = await h.service('node-a').reload({ reloadId: 'r-1', plugin: 'fake', type: 'unknown', scope: '' });
    assert.deepEqual(report.outcomes.map((o) => o.mount).sort(), ['auth/fake/', 'fake/', 'other/']);
    assert.equal(report.reloaded, 3);
    assert.equal(reloadFailure(report), undefined);

    const status = await h.service('node-a').status('r-1');
    assert.equal(status?.reload_id, 'r-1');
    assert.deepEqual(Object.keys(status!.results), ['node-a']);
    assert.equal(status!.results['node-a']!.error, '');
    assert.ok(!Number.isNaN(Date.parse(status!.results['node-a']!.timestamp)));
    assert.equal(await h.service('node-a').status('unknown-id'), null);
  });

  it('a database plugin reload is delegated to each database mount, which counts its connections', async () => {
    await h.mounts.enable('mounts', 'db/', 'database', {});
    await h.mounts.enable('mounts', 'fake/', 'fake', {});
    const report = await h.service('n').reload({ plugin: 'my-db-plugin', type: 'unknown', scope: '' });
    assert.deepEqual(report.outcomes, [{ mount: 'db/', count: 2 }]);
    assert.equal(report.reloaded, 2);
    const none = await h.service('n').reload({ plugin: 'other-db-plugin', type: 'database', scope: '' });
    assert.deepEqual(none.outcomes, []);
  });

  it('a typed reload only reaches mounts of that type', async () => {
    await h.mounts.enable('mounts', 'fake/', 'fake', {});
    await h.mounts.enable('auth', 'fake/', 'fake', {});
    const report = await h.service('n').reload({ plugin: 'fake', type: 'auth', scope: '' });
    assert.deepEqual(report.outcomes, [{ mount: 'auth/fake/' }]);
  });

  it('failures are recorded per node and turned into one error listing every failed mount', async () => {
    await h.mounts.enable('mounts', 'a/', 'fake', {});
    h.failing.add('a/');
    const report = await h.service('node-a').reload({ reloadId: 'r-2', mounts: ['a', 'missing/'], scope: '' });
    const failure = reloadFailure(report)!;
    assert.equal(failure.code, 'invalid_request');
    assert.equal(failure.errors.length, 2);
    assert.match(failure.errors.join('\n'), /"missing\/".*no mount at "missing\/"/);
    assert.match(failure.errors.join('\n'), /"a\/" \(it keeps serving with its previous backend\): sha256 mismatch/);
    const status = await h.service('node-a').status('r-2');
    assert.match(status!.results['node-a']!.error, /missing\/: no mount at "missing\/"; a\/: sha256 mismatch/);
  });

  it('refuses to reload the server\'s own mounts', async () => {
    await h.mounts.enable('mounts', 'sys2/', 'fake', { builtin_required: true });
    const report = await h.service('n').reload({ mounts: ['sys2/'], scope: '' });
    assert.match(report.outcomes[0]!.error!, /part of the server/);
  });

  it('another node sharing the storage picks up global reloads once and records its own result', async () => {
    await h.mounts.enable('mounts', 'fake/', 'fake', {});
    const since = new Date(Date.now() - 1000);
    await h.service('node-a').reload({ reloadId: 'global-1', plugin: 'fake', type: 'unknown', scope: 'global' });
    await h.service('node-a').reload({ reloadId: 'local-1', plugin: 'fake', type: 'unknown', scope: '' });
    const nodeB = h.service('node-b');
    assert.equal(await nodeB.pickUpGlobalReloads(since), 1);
    assert.equal(await nodeB.pickUpGlobalReloads(since), 0, 'a request is applied once per node');
    const status = await nodeB.status('global-1');
    assert.deepEqual(Object.keys(status!.results).sort(), ['node-a', 'node-b']);
    assert.deepEqual(Object.keys((await nodeB.status('local-1'))!.results), ['node-a']);
  });

  it('pickups that overlap (change feed, poller, the node\'s own write) apply a request once', async () => {
    await h.mounts.enable('mounts', 'fake/', 'fake', {});
    const since = new Date(Date.now() - 1000);
    await h.service('node-a').reload({ reloadId: 'global-2', plugin: 'fake', type: 'unknown', scope: 'global' });
    const applying = new Set<string>();
    const nodeB = () =>
      new PluginReloadService({ reloader: h.reloader, store: () => new ReloadStore(new StorageView(h.barrier, RELOAD_PREFIX)), nodeId: 'node-b', logger: silentLogger, applying });
    const before = h.generation;
    const counts = await Promise.all([nodeB().pickUpGlobalReloads(since), nodeB().pickUpGlobalReloads(since), nodeB().pickUpGlobalReloads(since)]);
    assert.equal(counts.reduce((a, b) => a + b, 0), 1, 'one pickup applied it');
    assert.equal(h.generation, before + 1, 'one new backend was built on node-b');

    // A reload this node is making itself is skipped by a pickup started meanwhile (its own write heard).
    const stored = gate();
    const slowResults = new (class extends ReloadStore {
      override async putResult(...args: Parameters<ReloadStore['putResult']>): Promise<void> {
        await stored.promise;
        return super.putResult(...args);
      }
    })(new StorageView(h.barrier, RELOAD_PREFIX));
    const own = new PluginReloadService({ reloader: h.reloader, store: () => slowResults, nodeId: 'node-b', logger: silentLogger, applying });
    const reloading = own.reload({ reloadId: 'global-3', plugin: 'fake', type: 'unknown', scope: 'global' });
    await until(() => h.generation === before + 2);
    assert.ok(applying.has('global-3'), 'stored, applied, its result not written yet');
    assert.equal(await nodeB().pickUpGlobalReloads(since), 0);
    stored.open();
    await reloading;
    assert.equal(await nodeB().pickUpGlobalReloads(since), 0, 'and finds its result afterwards');
    assert.equal(h.generation, before + 2);
  });
});
