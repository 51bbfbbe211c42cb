import {
  CofferError,
  type Backend,
  type BackendConfig,
  type BackendType,
  type ExistenceCheckResult,
  type Request,
  type Response,
  type SpecialPaths,
  type Storage,
} from '@coffer/sdk';
import { pluginProtocol } from '@coffer/sdk/plugin/index.js';
import type { HostServices } from './host-services.js';
import { sameStorage } from './storage-coherence.js';

/** What a client needs of the process it talks to. */
export interface PluginCaller {
  readonly name: string;
  /** One unary call; transport failures become CofferErrors ('unavailable' when the process is gone). */
  call<Rep extends object>(service: 'Backend' | 'Database', method: string, request: unknown): Promise<Rep>;
}

/**
 * A mount's backend living in a plugin process: the server calls it like
 * any built-in Backend. Type, version and special paths are fetched once at
 * dispense time (the Backend contract reads them synchronously).
 *
 * Every call fails with CofferError 'unavailable' once the process is gone;
 * see PluginProcess for the restart-and-retry contract.
 */
export class PluginBackend implements Backend {
  private cleanedUp = false;

  constructor(
    private readonly caller: PluginCaller,
    private readonly host: HostServices,
    /** The id this mount has inside the plugin process. */
    readonly backendId: string,
    private readonly config: BackendConfig,
    private readonly storageId: string,
    readonly type: BackendType,
    private readonly paths: SpecialPaths,
    private readonly version: string,
  ) {}

  async handleRequest(req: Request): Promise<Response | null> {
    const reply = await this.withStorage(req.storage, (storageId) =>
      this.caller.call<pluginProtocol.HandleRequestReply>('Backend', 'HandleRequest', {
        backend_id: this.backendId,
        storage_id: storageId,
        request: pluginProtocol.requestToWire(req),
      }),
    );
    return reply.response ? pluginProtocol.responseFromWire(reply.response) : null;
  }

  async handleExistenceCheck(req: Request): Promise<ExistenceCheckResult> {
    const reply = await this.withStorage(req.storage, (storageId) =>
      this.caller.call<pluginProtocol.ExistenceCheckReply>('Backend', 'HandleExistenceCheck', {
        backend_id: this.backendId,
        storage_id: storageId,
        request: pluginProtocol.requestToWire(req),
      }),
    );
    return { checkFound: reply.check_found, exists: reply.exists };
  }

  specialPaths(): SpecialPaths {
    return this.paths;
  }

  async initialize(req: { storage: Storage }): Promise<void> {
    await this.withStorage(req.storage, (storageId) =>
      this.caller.call('Backend', 'Initialize', { backend_id: this.backendId, storage_id: storageId }),
    );
  }

  /**
   * Tells the plugin to forget this mount and releases what the server
   * serves for it. A dead process has nothing left to clean, so 'unavailable'
   * is not an error here: unmount and seal must go through.
   */
  async cleanup(): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    try {
      await this.caller.call('Backend', 'Cleanup', { backend_id: this.backendId });
    } catch (err) {
      if (!(err instanceof CofferError && err.code === 'unavailable')) throw err;
    } finally {
      this.host.releaseStorage(this.storageId);
      this.host.releaseSystemView(this.backendId);
    }
  }

  async invalidateKey(key: string): Promise<void> {
    await this.caller.call('Backend', 'InvalidateKey', { backend_id: this.backendId, key });
  }

  pluginVersion(): string {
    return this.version;
  }

  /**
   * The storage_id to send for `storage`: the mount's own when it is the one
   * from the config, otherwise a one-call id released when the call ends.
   */
  private async withStorage<T>(storage: Storage | undefined, fn: (storageId: string) => Promise<T>): Promise<T> {
    if (!storage || sameStorage(storage, this.config.storage)) return fn(this.storageId);
    const id = this.host.registerStorage(storage);
    try {
      return await fn(id);
    } finally {
      this.host.releaseStorage(id);
    }
  }
}
