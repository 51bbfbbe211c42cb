import { CofferError, type Backend, type BackendType, type ExistenceCheckResult, type SpecialPaths, type Storage } from '@coffer/sdk';
import type { Route } from '../core/router.js';
import type { RunningInfo } from '../mounts/mount-manager.js';
import { routerPath, type MountEntry, type MountTableName } from '../mounts/mount-entry.js';

/**
 * Stands in the router for a mount whose plugin could not start at unseal
 * (binary missing, sha256 changed): without a route, requests to the mount
 * would fall through to "no handler for route" (404, as if it never
 * existed); with one, the request pipeline answers with the mount's start
 * error (503) and a reload can swap the real backend in.
 */
export class UnavailableBackend implements Backend {
  constructor(
    readonly type: BackendType,
    private readonly mount: string,
    private readonly reason: string,
  ) {}

  async handleRequest(): Promise<never> {
    throw new CofferError('unavailable', `mount "${this.mount}" is not available: ${this.reason}`);
  }

  async handleExistenceCheck(): Promise<ExistenceCheckResult> {
    return { checkFound: false, exists: false };
  }

  specialPaths(): SpecialPaths {
    return {};
  }

  async initialize(): Promise<void> {}
  async cleanup(): Promise<void> {}
  async invalidateKey(): Promise<void> {}

  pluginVersion(): string {
    return '';
  }
}

/** What routeFailedMounts needs of the Core (the Core satisfies it). */
export interface FailedMountHost {
  readonly router: { get(path: string): unknown; mount(entry: MountEntry, backend: Backend, storage: Storage): Route };
  readonly mounts: { list(table: MountTableName): MountEntry[]; runningInfo(entry: MountEntry): RunningInfo; storageOf(entry: MountEntry): Storage };
}

/** Routes every mount that failed to start to an UnavailableBackend; returns their router paths. */
export function routeFailedMounts(host: FailedMountHost): string[] {
  const routed: string[] = [];
  for (const table of ['mounts', 'auth'] as const) {
    for (const entry of host.mounts.list(table)) {
      const error = host.mounts.runningInfo(entry).error;
      const path = routerPath(entry);
      if (!error || host.router.get(path)) continue;
      host.router.mount(entry, new UnavailableBackend(table === 'auth' ? 'credential' : 'logical', path, error), host.mounts.storageOf(entry));
      routed.push(path);
    }
  }
  return routed;
}
