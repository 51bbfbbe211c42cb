import { isCofferError, makeRequest, type Backend, type ErrorCode, type Logger } from '@coffer/sdk';
import type { Route } from '../core/router.js';
import type { ResolvedBackend } from '../mounts/backend-source.js';
import { normaliseMountPath, routerPath, type MountEntry, type MountTableName } from '../mounts/mount-entry.js';
import { DrainableBackend } from './drainable-backend.js';
import type { PluginSource } from './plugin-source.js';
import type { ProcessPool } from './process-pool.js';
import type { PluginType } from './plugin-type.js';

/** The part of the MountManager a reload uses. */
export interface ReloadMounts {
  build(entry: MountEntry): Promise<ResolvedBackend>;
  swap(entry: MountEntry, resolved: ResolvedBackend): Backend | undefined;
  list(table: MountTableName): MountEntry[];
  findByRouterPath(path: string): MountEntry | undefined;
}

/** The part of the Router a reload uses. */
export interface ReloadRouter {
  match(path: string): Pick<Route, 'entry' | 'path' | 'backend' | 'storage'> | undefined;
  get(path: string): Pick<Route, 'backend'> | undefined;
}

/** What happened to one mount. */
export interface MountReloadOutcome {
  /** Router path ("secret/", "auth/userpass/"), or what the client named. */
  mount: string;
  error?: string;
  code?: ErrorCode;
  /** For database mounts: how many connections used the plugin. */
  count?: number;
}

export interface MountReloaderDeps {
  mounts: () => ReloadMounts;
  router: () => ReloadRouter;
  source: PluginSource;
  pool: ProcessPool;
  logger: Logger;
  /** How long to wait for in-flight requests on the old backend before cleaning it up anyway. */
  drainTimeoutMs?: number;
}

const DEFAULT_DRAIN_MS = 30_000;

/**
 * Reloads mounts without dropping a request: the new backend is built
 * first, new requests are routed to it, the old one finishes what it was
 * doing and only then is cleaned up (its process stops once unused). A
 * mount whose new backend cannot be built keeps the old one serving.
 */
export class MountReloader {
  constructor(private readonly deps: MountReloaderDeps) {}

  /** Mounts whose type is `plugin` (secret mounts for "secret", auth for "auth", both for "unknown"). */
  mountsOfPlugin(plugin: string, type: PluginType | 'unknown'): MountEntry[] {
    const tables: MountTableName[] = type === 'secret' ? ['mounts'] : type === 'auth' ? ['auth'] : type === 'unknown' ? ['mounts', 'auth'] : [];
    return tables.flatMap((t) => this.deps.mounts().list(t)).filter((e) => e.type === plugin && !e.builtin_required);
  }

  /** Finds the mounts a client named ("secret", "secret/", "auth/userpass/"); unknown names come back as errors. */
  resolveMountPaths(paths: string[]): { entries: MountEntry[]; missing: MountReloadOutcome[] } {
    const entries: MountEntry[] = [];
    const missing: MountReloadOutcome[] = [];
    for (const raw of paths) {
      const path = normaliseMountPath(raw);
      const entry = this.deps.mounts().findByRouterPath(path) ?? this.deps.router().match(path)?.entry;
      if (!entry) missing.push({ mount: path, error: `no mount at "${path}"`, code: 'invalid_request' });
      else if (entry.builtin_required) missing.push({ mount: path, error: `"${path}" is part of the server and is not a plugin that can be reloaded`, code: 'invalid_request' });
      else if (!entries.includes(entry)) entries.push(entry);
    }
    return { entries, missing };
  }

  /** Reloads the given mounts side by side; one failing never stops the others. */
  async reload(entries: MountEntry[]): Promise<MountReloadOutcome[]> {
    // Every mount of a plugin moves to the same new process, started once.
    const marker = this.deps.pool.mark();
    return Promise.all(entries.map((entry) => this.reloadOne(entry, marker)));
  }

  private async reloadOne(entry: MountEntry, marker: number): Promise<MountReloadOutcome> {
    const mount = routerPath(entry);
    const { logger } = this.deps;
    let resolved: ResolvedBackend;
    const started = performance.now();
    try {
      resolved = await this.deps.source.withFreshProcesses(entry, marker, () => this.deps.mounts().build(entry));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.error({ mount, type: entry.type, err: message }, 'plugin reload failed; the mount keeps serving with its current backend');
      return { mount, error: message, code: isCofferError(err) ? err.code : 'internal' };
    }
    // Take the old backend before swapping: the router replaces the backend inside the route
    // object that swap() reads back, so its return value can be the new backend itself.
    // An exact lookup: a mount that never started has no route, and must not retire a parent's.
    const old = this.deps.router().get(mount)?.backend;
    const built = performance.now();
    this.deps.mounts().swap(entry, resolved);
    if (old && old !== resolved.backend) await this.retire(mount, old);
    // Where a reload's time goes: building the new backend (process, setup, initialize) vs retiring the old one.
    const buildMs = Math.round(built - started);
    const retireMs = Math.round(performance.now() - built);
    logger.info({ mount, type: entry.type, version: resolved.runningVersion, buildMs, retireMs }, 'plugin reloaded');
    return { mount };
  }

  /** Waits for the old backend's in-flight requests, then cleans it up. */
  private async retire(mount: string, old: Backend): Promise<void> {
    const timeout = this.deps.drainTimeoutMs ?? DEFAULT_DRAIN_MS;
    if (old instanceof DrainableBackend && !(await old.drain(timeout))) {
      this.deps.logger.warn({ mount, inFlight: old.inFlight, timeoutMs: timeout }, 'requests still running on the replaced backend after the drain timeout; cleaning it up anyway');
    }
    await old.cleanup().catch((err: unknown) => this.deps.logger.warn({ mount, err: String(err) }, 'cleanup of the replaced backend failed'));
  }

  /**
   * Database plugins run inside database secrets engine mounts, which alone
   * know which connections use which plugin: as in Vault, each such mount
   * is asked to reload the plugin through its own `reload/:plugin_name` path.
   */
  async reloadDatabaseMounts(plugin: string): Promise<MountReloadOutcome[]> {
    const out: MountReloadOutcome[] = [];
    for (const entry of this.deps.mounts().list('mounts').filter((e) => e.type === 'database')) {
      const mount = routerPath(entry);
      const route = this.deps.router().match(mount);
      if (!route) continue;
      try {
        const resp = await route.backend.handleRequest(
          makeRequest({ operation: 'update', path: `reload/${plugin}`, storage: route.storage, mountPoint: route.path, mountType: entry.type, mountAccessor: entry.accessor }),
        );
        const count = Number(resp?.data?.['count'] ?? 0);
        if (count > 0) out.push({ mount, count });
      } catch (err) {
        if (isCofferError(err) && err.code === 'unsupported_path') continue; // an engine without reload support uses no plugin
        out.push({ mount, error: err instanceof Error ? err.message : String(err), code: isCofferError(err) ? err.code : 'internal' });
      }
    }
    return out;
  }
}
