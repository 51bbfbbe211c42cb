import { randomUUID } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { CofferError, type Storage, type SystemView } from '@coffer/sdk';
import { pluginProtocol } from '@coffer/sdk/plugin/index.js';
import { HostStorageSession } from './host-storage-session.js';
import { storageCoherence } from './storage-coherence.js';

/**
 * The server's side of the services a plugin calls back: each mount's
 * Storage and SystemView, on a unix socket in a private directory, over
 * mutual TLS (the server's one-time identity serves; only the plugin's
 * certificate is accepted). One per plugin process; calls name the storage
 * or backend, and only ids handed to this process resolve.
 *
 * Nothing here logs a storage value.
 */
export class HostServices {
  private readonly storages = new Map<string, Storage>();
  private readonly systemViews = new Map<string, SystemView>();
  private readonly sessions = new Set<HostStorageSession>();

  private constructor(
    private readonly server: grpc.Server,
    private readonly dir: string,
    readonly address: string,
  ) {}

  /** `owner`: the user a sandboxed plugin runs as (run_as_user); the socket and its directory are handed to it so it can connect. */
  static async start(identity: pluginProtocol.TlsIdentity, pluginCertDer: Buffer, owner?: { uid: number; gid: number }): Promise<HostServices> {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-host-'));
    const address = join(dir, 'host.sock');
    const server = new grpc.Server(pluginProtocol.MESSAGE_SIZE_OPTIONS);
    const services = new HostServices(server, dir, address);
    const proto = pluginProtocol.loadPluginProtocol();
    server.addService(proto.Storage.service, {
      ...pluginProtocol.unaryHandlers(services.storageImpl(), pluginCertDer),
      Session: (call: grpc.ServerDuplexStream<pluginProtocol.StorageOpBatch, pluginProtocol.StorageEventBatch>) => services.openSession(call, pluginCertDer),
    });
    server.addService(proto.SystemView.service, pluginProtocol.unaryHandlers(services.systemViewImpl(), pluginCertDer));
    try {
      await new Promise<void>((resolve, reject) =>
        server.bindAsync(
          pluginProtocol.unixTarget(address),
          pluginProtocol.serverCredentials(identity, pluginProtocol.certDerToPem(pluginCertDer)),
          (err) => (err ? reject(err) : resolve()),
        ),
      );
      if (owner) {
        chownSync(dir, owner.uid, owner.gid);
        chownSync(address, owner.uid, owner.gid);
      }
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return services;
  }

  /** Makes a storage reachable by the plugin; returns the id it will name it by. */
  registerStorage(storage: Storage): string {
    const id = randomUUID();
    this.storages.set(id, storage);
    return id;
  }

  releaseStorage(id: string): void {
    this.storages.delete(id);
    for (const session of this.sessions) session.release(id);
  }

  registerSystemView(backendId: string, system: SystemView): void {
    this.systemViews.set(backendId, system);
  }

  releaseSystemView(backendId: string): void {
    this.systemViews.delete(backendId);
  }

  close(): void {
    for (const session of this.sessions) session.close();
    this.sessions.clear();
    this.server.forceShutdown();
    this.storages.clear();
    this.systemViews.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** One Storage.Session stream; the peer is checked once, for the whole stream. */
  private openSession(call: grpc.ServerDuplexStream<pluginProtocol.StorageOpBatch, pluginProtocol.StorageEventBatch>, pluginCertDer: Buffer): void {
    if (!pluginProtocol.callerIs(call, pluginCertDer)) {
      call.destroy(Object.assign(new Error('the caller did not present the expected certificate'), { code: grpc.status.PERMISSION_DENIED }));
      return;
    }
    const session = new HostStorageSession(call, (id) => this.storage(id), () => this.sessions.delete(session));
    this.sessions.add(session);
  }

  private storage(id: string): Storage {
    const storage = this.storages.get(id);
    if (!storage) throw new CofferError('invalid_request', `unknown storage_id "${id}": use one the server handed out`);
    return storage;
  }

  private systemView(id: string): SystemView {
    const system = this.systemViews.get(id);
    if (!system) throw new CofferError('invalid_request', `unknown backend_id "${id}": use the one of your Setup`);
    return system;
  }

  private storageImpl() {
    return {
      Get: async (req: pluginProtocol.StorageGetRequest): Promise<pluginProtocol.StorageGetReply> => {
        const entry = await this.storage(req.storage_id).get(req.key);
        return { entry: entry ? { key: entry.key, value: entry.value, seal_wrap: entry.sealWrap ?? false } : null };
      },
      Put: async (req: pluginProtocol.StoragePutRequest): Promise<pluginProtocol.ErrorReply> => {
        if (!req.entry) throw new CofferError('invalid_request', 'Put needs an entry');
        const storage = this.storage(req.storage_id);
        await storage.put({ key: req.entry.key, value: Buffer.from(req.entry.value), ...(req.entry.seal_wrap ? { sealWrap: true } : {}) });
        await storageCoherence.changed(storage, req.entry.key);
        return {};
      },
      Delete: async (req: pluginProtocol.StorageDeleteRequest): Promise<pluginProtocol.ErrorReply> => {
        const storage = this.storage(req.storage_id);
        await storage.delete(req.key);
        await storageCoherence.changed(storage, req.key);
        return {};
      },
      List: async (req: pluginProtocol.StorageListRequest): Promise<pluginProtocol.StorageListReply> => ({
        keys: await this.storage(req.storage_id).list(req.prefix),
      }),
      ListPage: async (req: pluginProtocol.StorageListPageRequest): Promise<pluginProtocol.StorageListReply> => ({
        keys: await this.storage(req.storage_id).listPage(req.prefix, req.after, req.limit),
      }),
    };
  }

  private systemViewImpl() {
    type Ref = pluginProtocol.BackendRef;
    return {
      DefaultLeaseTTL: async (ref: Ref) => ({ ttl: await this.systemView(ref.backend_id).defaultLeaseTtl() }),
      MaxLeaseTTL: async (ref: Ref) => ({ ttl: await this.systemView(ref.backend_id).maxLeaseTtl() }),
      Tainted: async (ref: Ref) => ({ value: await this.systemView(ref.backend_id).tainted() }),
      CachingDisabled: async (ref: Ref) => ({ value: await this.systemView(ref.backend_id).cachingDisabled() }),
      LocalMount: async (ref: Ref) => ({ value: await this.systemView(ref.backend_id).localMount() }),
      PluginEnv: async (ref: Ref) => {
        const env = await this.systemView(ref.backend_id).pluginEnv();
        return { coffer_version: env.coffer_version, vault_version: env.vault_version };
      },
      ResponseWrapData: async (req: pluginProtocol.ResponseWrapDataRequest): Promise<pluginProtocol.ResponseWrapDataReply> => {
        const data = pluginProtocol.decodeJsonObject(req.data, 'data');
        const info = await this.systemView(req.backend_id).responseWrapData(data, req.ttl, req.jwt);
        return { wrap_info: pluginProtocol.wrapInfoToWire(info) };
      },
      GeneratePasswordFromPolicy: async (req: pluginProtocol.GeneratePasswordRequest): Promise<pluginProtocol.GeneratePasswordReply> => {
        const system = this.systemView(req.backend_id);
        if (!system.generatePasswordFromPolicy) {
          throw new CofferError('unsupported_operation', 'this server does not generate passwords from policies');
        }
        return { password: await system.generatePasswordFromPolicy(req.policy_name) };
      },
    };
  }
}
