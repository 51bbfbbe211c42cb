import type { Backend, BackendType, ExistenceCheckResult, Request, Response, SpecialPaths, Storage } from '@coffer/sdk';

/**
 * Counts the requests running inside a backend so that a reload can wait
 * for them after routing new requests elsewhere: the old backend is only
 * cleaned up (and its plugin process stopped) once it is idle.
 */
export class DrainableBackend implements Backend {
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(readonly inner: Backend) {}

  get type(): BackendType {
    return this.inner.type;
  }

  /** Framework backends expose their path declarations (the core builds OpenAPI from them). */
  get paths(): unknown {
    return (this.inner as { paths?: unknown }).paths;
  }

  get inFlight(): number {
    return this.active;
  }

  handleRequest(req: Request): Promise<Response | null> {
    return this.track(() => this.inner.handleRequest(req));
  }

  handleExistenceCheck(req: Request): Promise<ExistenceCheckResult> {
    return this.track(() => this.inner.handleExistenceCheck(req));
  }

  specialPaths(): SpecialPaths {
    return this.inner.specialPaths();
  }

  initialize(req: { storage: Storage }): Promise<void> {
    return this.inner.initialize(req);
  }

  cleanup(): Promise<void> {
    return this.inner.cleanup();
  }

  invalidateKey(key: string): Promise<void> {
    return this.track(() => this.inner.invalidateKey(key));
  }

  pluginVersion(): string {
    return this.inner.pluginVersion();
  }

  /** Resolves true once no request is running, or false when `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(wake);
    });
  }

  private async track<T>(fn: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      if (this.active === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const wake of waiters) wake();
      }
    }
  }
}
