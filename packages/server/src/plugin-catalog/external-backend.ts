import {
  CofferError,
  isCofferError,
  type Backend,
  type BackendConfig,
  type BackendType,
  type ExistenceCheckResult,
  type Logger,
  type Request,
  type Response,
  type SpecialPaths,
  type Storage,
} from '@coffer/sdk';
import type { CatalogEntry } from './catalog-entry.js';
import { displayName, type PooledProcess, type ProcessPool } from './process-pool.js';

export interface ExternalBackendOptions {
  pool: ProcessPool;
  entry: CatalogEntry;
  conf: BackendConfig;
  /** What the mount needs: 'logical' for a secrets engine, 'credential' for an auth method. */
  expectedType: BackendType;
  /** Only reuse a process launched after this pool marker (a reload starts fresh ones). */
  after?: number;
  logger: Logger;
}

/**
 * A mount's backend inside an external plugin process. When the process
 * has died (a call fails with 'unavailable' and the process has exited),
 * it starts the plugin again, with the sha256 checked again, sets the mount
 * up in the new process and retries the request once; any other error, or
 * a second failure, goes back to the client.
 */
export class ExternalBackend implements Backend {
  private inner!: Backend;
  private process!: PooledProcess;
  private recovering: Promise<void> | undefined;
  private closed = false;

  private constructor(private readonly options: ExternalBackendOptions) {}

  static async create(options: ExternalBackendOptions): Promise<ExternalBackend> {
    const backend = new ExternalBackend(options);
    await backend.connect(options.after ?? -1);
    return backend;
  }

  get type(): BackendType {
    return this.inner.type;
  }

  /** The process serving this mount now (tests, diagnostics). */
  get currentProcess(): PooledProcess {
    return this.process;
  }

  handleRequest(req: Request): Promise<Response | null> {
    return this.call((b) => b.handleRequest(req));
  }

  handleExistenceCheck(req: Request): Promise<ExistenceCheckResult> {
    return this.call((b) => b.handleExistenceCheck(req));
  }

  specialPaths(): SpecialPaths {
    return this.inner.specialPaths();
  }

  initialize(req: { storage: Storage }): Promise<void> {
    return this.call((b) => b.initialize(req));
  }

  invalidateKey(key: string): Promise<void> {
    return this.call((b) => b.invalidateKey(key));
  }

  pluginVersion(): string {
    return this.inner.pluginVersion();
  }

  /** Unmount, seal or reload: forget the mount in the plugin and let the process go if nobody else uses it. */
  async cleanup(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.recovering?.catch(() => undefined);
    try {
      await this.inner.cleanup();
    } catch (err) {
      this.options.logger.warn({ plugin: displayName(this.options.entry), err: String(err) }, 'plugin cleanup failed');
    } finally {
      await this.options.pool.release(this.process, this);
    }
  }

  private async connect(after: number): Promise<void> {
    const { pool, entry, conf, expectedType } = this.options;
    const proc = await pool.acquire(entry, this, after);
    let backend: Backend | undefined;
    try {
      backend = await proc.dispense(conf);
      if (backend.type !== expectedType) {
        throw new CofferError(
          'invalid_request',
          `plugin "${entry.name}" is ${backend.type === 'credential' ? 'an auth method' : 'a secrets engine'} and cannot be mounted as ${expectedType === 'credential' ? 'an auth method' : 'a secrets engine'}`,
        );
      }
    } catch (err) {
      await backend?.cleanup().catch(() => undefined);
      await pool.release(proc, this);
      throw err;
    }
    this.process = proc;
    this.inner = backend;
  }

  private async call<T>(fn: (backend: Backend) => Promise<T>): Promise<T> {
    const backend = this.inner;
    const proc = this.process;
    try {
      return await fn(backend);
    } catch (err) {
      if (this.closed || !(isCofferError(err) && err.code === 'unavailable' && proc.isExited)) throw err;
      await this.recover(backend, proc);
      return fn(this.inner);
    }
  }

  /** One restart for however many requests saw the same dead process. */
  private async recover(failed: Backend, dead: PooledProcess): Promise<void> {
    if (this.inner !== failed) return;
    this.recovering ??= (async () => {
      const { entry, conf, logger } = this.options;
      logger.warn({ plugin: displayName(entry) }, 'plugin process exited; starting it again (sha256 checked) and retrying the request once');
      await failed.cleanup().catch(() => undefined);
      await this.options.pool.release(dead, this);
      await this.connect(-1);
      await this.inner.initialize({ storage: conf.storage });
    })().finally(() => {
      this.recovering = undefined;
    });
    await this.recovering;
  }
}
