import type { Logger } from '@coffer/sdk';
import type { ChangeFeed, HABackend, HALock } from '../physical/ha.js';
import type { HaStatus } from '../seal/ha-status.js';
import type { ClusterTransport } from './cluster-transport.js';
import { decodeAdvert, encodeAdvert, type LeaderAdvert } from './leader-advert.js';
import { sleep } from '../physical/abortable-sleep.js';

/** The lock the nodes contend for, as Vault names it. */
export const HA_LOCK_KEY = 'core/lock';

export type HaRole = 'sealed' | 'standby' | 'active';

/** What the HA module does when this node's role changes or storage changes under it. */
export interface HaHooks {
  /** Just took the lock: bring every cache up to date, start the active-only work. */
  becomeActive(): Promise<void>;
  /** No longer active: stop the active-only work (at once). */
  becomeStandby(): Promise<void>;
  /** Another node changed `key`. */
  changed(key: string): Promise<void>;
  /** Changes may have been missed: every cache starts over. */
  gap(): Promise<void>;
}

export interface HaNodeOptions {
  backend: HABackend & Partial<ChangeFeed>;
  /** This node as the others see it (the lock's value while active). */
  self: LeaderAdvert;
  hostname: string;
  /** Forward a standby's requests to the active node (false: answer 307 to it; Vault's disable_clustering). */
  forwarding: boolean;
  logger: Logger;
  /** How long a node that stepped down waits before contending again (ms), so another node takes over. */
  stepDownWaitMs?: number;
  /** How long sys/leader and forwarding may reuse a read of the lock's holder (ms). */
  leaderCacheMs?: number;
  /** Standbys serve reads themselves (`performance_standby`), when the storage can sync its change feed. */
  performanceStandby?: boolean;
}

/** A change feed that can deliver everything committed so far on demand (sqlite's, postgresql's, etcd's). */
interface SyncableFeed {
  syncChanges(): Promise<void>;
}

function canSync(backend: unknown): backend is SyncableFeed {
  return typeof (backend as Partial<SyncableFeed> | null)?.syncChanges === 'function';
}

/** How often a request held through an election looks for the new active node. */
const ELECTION_POLL_MS = 100;

interface Running {
  stop: AbortController;
  loop: Promise<void>;
  unwatch?: () => Promise<void>;
  /** Set while this node is active: gives the lock up; resolves once the node is a standby. */
  stepDown?: () => Promise<void>;
}

/**
 * One node of an HA cluster, for the server's whole life (sealed or not):
 * it contends for the lock while unsealed, knows its role, and tells the
 * lifecycle endpoints and the forwarding layer who the active node is. The
 * HA module (core/modules/ha-module.ts) starts it at unseal with hooks into
 * the core and stops it at seal.
 */
export class HaNode {
  private currentRole: HaRole = 'sealed';
  private activeSince: Date | undefined;
  private running: Running | undefined;
  /** A role change in progress (requests wait for it rather than see half a change). */
  private transition: Promise<void> = Promise.resolve();
  private leaderCache: { at: number; advert: LeaderAdvert | null } | undefined;
  /** Changes from the feed, handled one at a time in order. */
  private changeQueue: Promise<void> = Promise.resolve();
  /** Used only to ask who holds the lock. */
  private probe: HALock | undefined;
  /** Mutual TLS between the nodes (the cluster port and forwarding over it); undefined with disable_clustering. */
  cluster: ClusterTransport | undefined;

  constructor(readonly options: HaNodeOptions) {}

  get role(): HaRole {
    return this.currentRole;
  }

  /** This node's standbys serve reads themselves (configured, and the storage can catch up on demand). */
  get servesReads(): boolean {
    return this.options.performanceStandby === true && canSync(this.options.backend) && typeof this.options.backend.watchChanges === 'function';
  }

  /**
   * Before a standby serves a read: every change committed before now has
   * reached the caches, so the read sees every write acknowledged before it
   * began (on any node).
   */
  async catchUp(): Promise<void> {
    const backend = this.options.backend;
    if (canSync(backend)) await backend.syncChanges();
    await this.changeQueue;
  }

  isActive(): boolean {
    return this.currentRole === 'active';
  }

  get self(): LeaderAdvert {
    return this.options.self;
  }

  get forwarding(): boolean {
    return this.options.forwarding;
  }

  /** Resolves once no role change is in progress. */
  settled(): Promise<void> {
    return this.transition;
  }

  /** At unseal: follow other nodes' changes and contend for the lock in the background. */
  async start(hooks: HaHooks): Promise<void> {
    if (this.running) return;
    const { backend, logger } = this.options;
    this.currentRole = 'standby';
    const stop = new AbortController();
    const running: Running = { stop, loop: Promise.resolve() };
    this.running = running;
    if (backend.watchChanges) {
      running.unwatch = await backend.watchChanges({
        onChange: (key) => this.enqueue(() => hooks.changed(key)),
        onGap: () => this.enqueue(() => hooks.gap()),
      });
    } else {
      logger.warn({}, 'the storage tells no node what the others changed: standbys re-read everything when they become active');
    }
    // What changed between loading the tables and watching was not heard: start over once.
    this.enqueue(() => hooks.gap());
    running.loop = this.contend(hooks, running);
  }

  /** At seal: stop contending, step down if active, stop following changes. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.stop.abort();
    await running.loop;
    await running.unwatch?.();
    await this.changeQueue;
    this.currentRole = 'sealed';
  }

  /** sys/step-down: give the lock up so another node becomes active. A no-op on a standby. */
  async stepDown(): Promise<void> {
    const running = this.running;
    if (!running?.stepDown) return;
    // Answer once this node no longer acts as the active one and the lock is free.
    await running.stepDown();
  }

  /**
   * For a request held through an election: waits until a node other than
   * `gone` (a leader that could not be reached) holds the lock — this node
   * itself included, once its promotion is done — polling the (shared,
   * briefly cached) lock holder. Null when none does within `ms`, when this
   * node is sealed, or when `abandoned` says the client left.
   */
  async leaderOtherThan(gone: string | undefined, ms: number, abandoned: () => boolean = () => false): Promise<LeaderAdvert | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      await this.transition;
      const advert = await this.leader();
      if (advert && advert.nodeId !== gone) return advert;
      if (Date.now() >= deadline || this.currentRole === 'sealed' || abandoned()) return null;
      await new Promise((r) => setTimeout(r, ELECTION_POLL_MS));
    }
  }

  /** The active node, as its lock value advertises it; null when nobody holds the lock. */
  async leader(fresh = false): Promise<LeaderAdvert | null> {
    if (this.currentRole === 'active') return this.options.self;
    const cacheMs = this.options.leaderCacheMs ?? 200;
    const cached = this.leaderCache;
    if (!fresh && cached && Date.now() - cached.at < cacheMs) return cached.advert;
    let advert: LeaderAdvert | null = null;
    try {
      this.probe ??= this.options.backend.lockWith(HA_LOCK_KEY, '');
      const holder = await this.probe.holder();
      advert = holder.held ? decodeAdvert(holder.value) : null;
    } catch (err) {
      this.options.logger.warn({ err: errorText(err) }, 'could not read who holds the HA lock');
    }
    this.leaderCache = { at: Date.now(), advert };
    return advert;
  }

  /** For sys/health and sys/leader. */
  async status(): Promise<HaStatus> {
    const role = this.currentRole;
    const leader = await this.leader();
    return {
      enabled: true,
      isSelf: role === 'active',
      standby: role !== 'active',
      performanceStandby: role === 'standby' && this.servesReads,
      ...(role === 'active' && this.activeSince ? { activeTime: this.activeSince } : {}),
      leaderAddress: leader?.apiAddress ?? '',
      leaderClusterAddress: leader?.clusterAddress ?? '',
    };
  }

  private enqueue(task: () => Promise<void>): void {
    this.changeQueue = this.changeQueue.then(task).catch((err: unknown) => {
      this.options.logger.warn({ err: errorText(err) }, 'applying a storage change from another node failed');
    });
  }

  private async contend(hooks: HaHooks, running: Running): Promise<void> {
    const { backend, logger } = this.options;
    const lock = backend.lockWith(HA_LOCK_KEY, encodeAdvert(this.options.self));
    const stop = running.stop.signal;
    while (!stop.aborted) {
      let lost: AbortSignal | null;
      try {
        lost = await lock.acquire(stop);
      } catch (err) {
        logger.warn({ err: errorText(err) }, 'contending for the HA lock failed; retrying');
        await sleep(1000, stop);
        continue;
      }
      if (!lost) break;
      const stepDown = new AbortController();
      const promoted = this.changeRole(async () => {
        // Changes heard so far are applied first, then everything is re-read: nothing stale is served.
        await this.changeQueue;
        await hooks.becomeActive();
        this.activeSince = new Date();
        this.currentRole = 'active';
      });
      try {
        await promoted;
      } catch (err) {
        logger.error({ err: errorText(err) }, 'becoming the active node failed; giving the lock up');
        await this.changeRole(() => hooks.becomeStandby()).catch(() => undefined);
        await lock.release();
        await sleep(1000, stop);
        continue;
      }
      let demoted!: () => void;
      const stoodDown = new Promise<void>((resolve) => (demoted = resolve));
      running.stepDown = () => {
        stepDown.abort();
        return stoodDown;
      };
      logger.info({ node: this.options.self.nodeId }, 'this node is now the active node');
      await firstOf([lost, stepDown.signal, stop]);
      running.stepDown = undefined;
      const why = stop.aborted ? 'sealing' : stepDown.signal.aborted ? 'step-down requested' : 'the HA lock was lost';
      await this.changeRole(async () => {
        // First refuse to act as active (requests are forwarded from now on), then stop the work.
        this.currentRole = stop.aborted ? 'sealed' : 'standby';
        this.activeSince = undefined;
        this.leaderCache = undefined;
        await hooks.becomeStandby();
      }).catch((err: unknown) => logger.error({ err: errorText(err) }, 'stopping the active-only work failed'));
      await lock.release();
      demoted();
      logger.warn({ reason: why }, 'this node stepped down and is a standby');
      if (stepDown.signal.aborted && !stop.aborted) await sleep(this.options.stepDownWaitMs ?? 5000, stop);
    }
  }

  private changeRole(change: () => Promise<void>): Promise<void> {
    const next = this.transition.then(change);
    this.transition = next.catch(() => undefined);
    return next;
  }
}

function firstOf(signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) return resolve();
    const done = () => {
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
