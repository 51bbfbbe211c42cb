import { randomUUID } from 'node:crypto';
import { CofferError, type ErrorCode, type Logger } from '@coffer/sdk';
import type { MountReloader, MountReloadOutcome } from './mount-reloader.js';
import type { PluginType } from './plugin-type.js';
import type { NodeReloadResult, ReloadRequestRecord, ReloadStore } from './reload-store.js';

/** What a client asked to reload. */
export interface ReloadAsk {
  reloadId?: string;
  plugin?: string;
  type?: PluginType | 'unknown';
  mounts?: string[];
  scope: '' | 'global';
}

export interface ReloadReport {
  reload_id: string;
  outcomes: MountReloadOutcome[];
  /** Mounts (and database mounts' connections) that now run a fresh backend. */
  reloaded: number;
}

/** Reload records older than this are pruned when a new one is written. */
const RETENTION_MS = 24 * 3600 * 1000;

/**
 * Plugin reloads with a record in the barrier: each request is stored with
 * a reload id, this node applies it at once and stores its result, and
 * sys/plugins/reload/backend/status reads the results back.
 *
 * Clusters: a global request is stored before it is applied, so any other
 * node sharing the storage can find it with pickUpGlobalReloads() (called
 * periodically or on a storage notification), apply it to its own mounts
 * and add its result under its own node id. Local requests are stored too
 * (for reload-status) but other nodes ignore them.
 */
export class PluginReloadService {
  constructor(
    private readonly deps: {
      reloader: MountReloader;
      store: () => ReloadStore;
      nodeId: string;
      logger: Logger;
      now?: () => Date;
      /**
       * Reload ids this node is applying right now, shared by every service
       * of one plugin system: the node's own write of a request reaches its
       * invalidation handler too, and polling may overlap a change-feed pickup.
       */
      applying?: Set<string>;
    },
  ) {}

  private get applying(): Set<string> {
    return (this.deps.applying ??= new Set());
  }

  async reload(ask: ReloadAsk): Promise<ReloadReport> {
    const record: ReloadRequestRecord = {
      reload_id: ask.reloadId || randomUUID(),
      plugin: ask.plugin ?? '',
      type: ask.type ?? '',
      mounts: ask.mounts ?? [],
      scope: ask.scope,
      requested_at: this.now().toISOString(),
      node_id: this.deps.nodeId,
    };
    await this.prune();
    this.applying.add(record.reload_id);
    try {
      await this.deps.store().putRequest(record);
      return await this.apply(record);
    } finally {
      this.applying.delete(record.reload_id);
    }
  }

  /** Applies the global requests this node has no result for yet, made since `since`. Returns how many it applied. */
  async pickUpGlobalReloads(since: Date): Promise<number> {
    let applied = 0;
    const store = this.deps.store();
    for (const id of await store.requestIds()) {
      const record = await store.getRequest(id);
      if (!record || record.scope !== 'global' || new Date(record.requested_at) < since) continue;
      if (this.applying.has(id) || (await store.hasResult(id, this.deps.nodeId))) continue;
      // Claimed synchronously, then checked again: another pickup may have finished it meanwhile.
      if (this.applying.has(id)) continue;
      this.applying.add(id);
      try {
        if (await store.hasResult(id, this.deps.nodeId)) continue;
        await this.apply(record);
        applied++;
      } finally {
        this.applying.delete(id);
      }
    }
    return applied;
  }

  async status(reloadId: string): Promise<{ reload_id: string; timestamp: string; results: Record<string, NodeReloadResult> } | null> {
    const store = this.deps.store();
    const record = await store.getRequest(reloadId);
    if (!record) return null;
    return { reload_id: reloadId, timestamp: record.requested_at, results: await store.results(reloadId) };
  }

  private async apply(record: ReloadRequestRecord): Promise<ReloadReport> {
    const { reloader } = this.deps;
    let outcomes: MountReloadOutcome[];
    if (record.plugin) {
      const type = record.type || 'unknown';
      outcomes = await reloader.reload(reloader.mountsOfPlugin(record.plugin, type));
      if (type === 'database' || type === 'unknown') outcomes.push(...(await reloader.reloadDatabaseMounts(record.plugin)));
    } else {
      const { entries, missing } = reloader.resolveMountPaths(record.mounts);
      outcomes = [...missing, ...(await reloader.reload(entries))];
    }
    const failures = outcomes.filter((o) => o.error !== undefined);
    await this.deps.store().putResult(record.reload_id, this.deps.nodeId, {
      timestamp: this.now().toISOString(),
      error: failures.map((f) => `${f.mount}: ${f.error}`).join('; '),
    });
    const reloaded = outcomes.filter((o) => o.error === undefined).reduce((n, o) => n + (o.count ?? 1), 0);
    return { reload_id: record.reload_id, outcomes, reloaded };
  }

  private async prune(): Promise<void> {
    const store = this.deps.store();
    const cutoff = this.now().getTime() - RETENTION_MS;
    for (const id of await store.requestIds()) {
      const record = await store.getRequest(id);
      if (!record || new Date(record.requested_at).getTime() < cutoff) await store.remove(id);
    }
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

/** One error for a reload in which some mounts failed: every failure listed, the status from their codes. */
export function reloadFailure(report: ReloadReport): CofferError | undefined {
  const failures = report.outcomes.filter((o) => o.error !== undefined);
  if (failures.length === 0) return undefined;
  const code: ErrorCode = failures.every((f) => f.code === 'invalid_request') ? 'invalid_request' : 'internal';
  const messages = failures.map((f) => `reload ${report.reload_id}: cannot reload plugin on "${f.mount}" (it keeps serving with its previous backend): ${f.error}`);
  return new CofferError(code, messages.join('; '), { errors: messages });
}
