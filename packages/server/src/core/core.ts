import { CofferError, type Logger } from '@coffer/sdk';
import { AesGcmBarrier, type Barrier } from '../barrier/index.js';
import { ReportingBarrier } from '../barrier/reporting-barrier.js';
import { silentMetrics, type MetricsSink } from '../metrics/sink.js';
import type { SealSetup } from '../seal/auto-seal.js';
import { SnapshotPhysical } from '../physical/snapshot-physical.js';
import type { ExpirationManager } from '../expiration/index.js';
import type { LifecycleCall } from '../http/handler.js';
import type { MountManager } from '../mounts/mount-manager.js';
import { routerPath, type MountEntry } from '../mounts/mount-entry.js';
import type { PhysicalBackend } from '../physical/index.js';
import type { PolicyStore } from '../policy/index.js';
import { createSealManager, handleLifecycle, isLifecyclePath, type SealManager } from '../seal/index.js';
import type { CoreModule, CoreServices, ServiceName } from './modules/module.js';
import { ModuleRunner } from './modules/module-runner.js';
import { composeStages, orderStages } from './pipeline/compose.js';
import { newPipelineContext, type PipelineContext } from './pipeline/stage.js';
import type { IncomingRequest, PipelineResult } from './pipeline-types.js';
import { Router } from './router.js';
import type { TokenLayer } from './token-layer.js';
import { Invalidator } from './invalidation.js';
import type { HaNode } from '../ha/ha-node.js';
import { REPORTED_VERSION } from './version.js';

export interface CoreOptions {
  physical: PhysicalBackend;
  storageType: string;
  logger: Logger;
  /** Seconds. */
  defaultLeaseTtl: number;
  maxLeaseTtl: number;
  clusterName?: string;
  /** Every module of this server (see compose.ts: the core's own, plus plugins, metrics, quotas…). */
  modules: readonly CoreModule[];
  /** Where the barrier and the modules record metrics (default: nowhere). */
  metrics?: MetricsSink;
  /** The seal stanzas: an auto seal or a seal migration (default: Shamir). */
  seal?: SealSetup;
  /** This server's address as clients reach it (api_addr, else its first listener's URL). */
  serverAddress?: string;
  /** This node of an HA cluster (an HA-capable storage with ha_enabled); absent: a single node. */
  ha?: HaNode;
}

/** Everything that exists only while the server is unsealed. */
interface UnsealedState {
  runner: ModuleRunner;
  pipeline: (ctx: PipelineContext) => Promise<void>;
}

/**
 * Owns the seal lifecycle. At unseal it builds and starts the modules in
 * dependency order and composes the request pipeline from the stages they
 * contribute; at seal it stops them in reverse. Nothing is routed until
 * every module (every mount included) has started.
 */
export class Core {
  /** The barrier itself: a write here is "below" every cache (as a write by another node would be). */
  readonly barrier: Barrier;
  /** The configured storage, able to take consistent snapshots while serving (backups). */
  readonly physical: SnapshotPhysical;
  /** Tells the caches that storage entries changed; see invalidate(). */
  readonly invalidator: Invalidator;
  readonly seal: SealManager;
  readonly router = new Router();
  readonly logger: Logger;
  private state: UnsealedState | undefined;

  constructor(readonly options: CoreOptions) {
    this.logger = options.logger;
    this.physical = new SnapshotPhysical(options.physical);
    this.barrier = new AesGcmBarrier(this.physical, { logger: options.logger, metrics: options.metrics ?? silentMetrics });
    this.invalidator = new Invalidator(options.logger.child({ component: 'invalidation' }));
    this.seal = createSealManager({
      physical: this.physical,
      barrier: this.barrier,
      logger: options.logger.child({ component: 'seal' }),
      version: REPORTED_VERSION,
      storageType: options.storageType,
      clusterName: options.clusterName,
      ...(options.seal ? { seal: options.seal } : {}),
      hooks: {
        onUnsealed: () => this.postUnseal(),
        onSealing: () => this.preSeal(),
        createRootToken: async () => this.service('tokens').createRootToken(),
        revokeRootToken: async (token) => this.service('tokens').port.revoke(token),
      },
    });
  }

  isSealed(): boolean {
    return this.state === undefined;
  }

  systemTtls(): { defaultTtl: number; maxTtl: number } {
    return { defaultTtl: this.options.defaultLeaseTtl, maxTtl: this.options.maxLeaseTtl };
  }

  /** A client request, after the transport parsed it. */
  async handle(incoming: IncomingRequest): Promise<PipelineResult> {
    const state = this.state;
    if (!state) throw new CofferError('sealed', 'Vault is sealed');
    const ctx = newPipelineContext(incoming);
    await state.pipeline(ctx);
    if (!ctx.result) throw new CofferError('internal', 'the request pipeline produced no result');
    return ctx.result;
  }

  isLifecyclePath(path: string): boolean {
    return isLifecyclePath(path);
  }

  async lifecycle(call: LifecycleCall): Promise<{ status: number; body: unknown } | undefined> {
    const ha = this.options.ha;
    const result = await handleLifecycle({ manager: this.seal, ...(ha ? { ha: () => ha.status() } : {}) }, { method: call.method, path: call.path, query: call.query, body: call.body });
    return result ?? undefined;
  }

  /**
   * A storage entry changed below the caches (written by another node, or
   * straight to the barrier): every cache keyed by that path forgets it.
   */
  async invalidate(key: string): Promise<void> {
    await this.invalidator.settled();
    // The barrier's decrypted copy first: the caches above re-read through it.
    this.barrier.forgetCached(key);
    await this.invalidator.invalidate(key);
  }

  /** A module's service while unsealed (throws while sealed). */
  service<K extends ServiceName>(name: K): CoreServices[K] {
    const value = this.state?.runner.service(name) ?? this.starting?.service(name);
    if (value === undefined) throw new CofferError('sealed', 'Vault is sealed');
    return value;
  }

  get mounts(): MountManager {
    return this.service('mounts');
  }

  get tokens(): TokenLayer {
    return this.service('tokens');
  }

  get expiration(): ExpirationManager {
    return this.service('expiration');
  }

  get policies(): PolicyStore {
    return this.service('policies');
  }

  /** The modules being started (root token creation during init needs the token store before routing opens). */
  private starting: ModuleRunner | undefined;

  private async postUnseal(): Promise<void> {
    const root: Partial<CoreServices> = {
      barrier: new ReportingBarrier(this.barrier, (keys) => this.invalidator.written(keys)),
      invalidator: this.invalidator,
      router: this.router,
      metrics: this.options.metrics ?? silentMetrics,
      serverAddress: this.options.serverAddress ?? 'http://127.0.0.1:8200',
      snapshots: { storageType: this.options.storageType, snapshot: () => this.physical.snapshot() },
      systemTtls: () => this.systemTtls(),
      sealControl: {
        sealFromRequest: () => this.sealFromRequest(),
        rekeyBackup: () => this.seal.rekeyBackup(),
        deleteRekeyBackup: () => this.seal.deleteRekeyBackup(),
      },
    };
    const runner = new ModuleRunner(this.options.modules, root, this.logger);
    this.starting = runner;
    try {
      const contributions = await runner.start();
      this.invalidator.register(contributions.flatMap((c) => c.invalidation ?? []));
      const stages = orderStages(contributions.flatMap((c) => c.stages ?? []));
      this.state = { runner, pipeline: composeStages(stages.map((s) => s.stage)) };
    } finally {
      this.starting = undefined;
    }
    for (const c of this.state.runner.contributions()) await c.ready?.();
    this.logger.info({}, 'post-unseal setup complete');
  }

  private async preSeal(): Promise<void> {
    const state = this.state;
    if (!state) return;
    // Stop routing first, then stop the modules in reverse order.
    this.state = undefined;
    this.invalidator.clear();
    await state.runner.stop();
    this.logger.info({}, 'sealed: every backend stopped');
  }

  /** sys/seal arrives as a request: answer it first, then seal (so the response is not cut off). */
  private async sealFromRequest(): Promise<void> {
    setImmediate(() => {
      this.seal.seal().catch((err: unknown) => this.logger.error({ err: String(err) }, 'seal failed'));
    });
  }
}

export { routerPath, type MountEntry };
