import { CofferError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Backend, BackendFactory } from '../logical/backend.js';
import { staticSystemView } from '../logical/system-view.js';
import { InmemStorage } from '../storage/inmem.js';
import type { Storage } from '../storage/storage.js';
import type { HostConnection } from './host-connection.js';
import { RemoteStorage } from './remote-storage.js';
import { RemoteSystemView } from './remote-system-view.js';
import { SessionStorage } from './session-storage.js';
import { requestFromWire } from './request-codec.js';
import { responseToWire } from './response-codec.js';
import type {
  BackendRef,
  ErrorReply,
  ExistenceCheckReply,
  HandleRequestArgs,
  HandleRequestReply,
  InitializeRequest,
  InvalidateKeyRequest,
  PluginVersionReply,
  SetupRequest,
  SpecialPathsReply,
  TypeReply,
} from './wire-types.js';

interface MountedBackend {
  backend: Backend;
  storage: SessionStorage;
  hostAddress: string;
}

/**
 * The plugin's implementation of the Backend service: one backend per Setup,
 * kept by backend_id, so one process serves every mount of this plugin.
 */
export function backendService(factory: BackendFactory, host: HostConnection, logger: Logger, options: { storageSession?: boolean } = {}) {
  const backends = new Map<string, MountedBackend>();
  let probe: Promise<Backend> | undefined;

  const mounted = (id: string): MountedBackend => {
    const entry = backends.get(id);
    if (!entry) throw new CofferError('internal', `this plugin has no backend "${id}": it was never set up or was cleaned up`);
    return entry;
  };
  // The storage a call names: the mount's own, or one the server handed out for this call.
  const storageFor = (entry: MountedBackend, storageId: string): Storage =>
    storageId === '' || storageId === entry.storage.storageId ? entry.storage : new RemoteStorage(host, entry.hostAddress, storageId);
  // Type and PluginVersion may be asked before any mount exists (catalog
  // registration). A throwaway backend over empty in-memory storage answers.
  const probeBackend = (): Promise<Backend> =>
    (probe ??= factory({
      storage: new InmemStorage(),
      system: staticSystemView(),
      logger,
      config: {},
      backendUuid: '',
    }));
  const backendFor = async (id: string): Promise<Backend> => (id === '' ? probeBackend() : mounted(id).backend);

  // A call's reply waits for the writes it made (see SessionStorage.settle).
  const settled = async <T>(entry: MountedBackend, fn: () => Promise<T>): Promise<T> => {
    const mark = entry.storage.mark();
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      await entry.storage.settle(mark).catch(() => undefined);
      throw err;
    }
    await entry.storage.settle(mark);
    return result;
  };

  return {
    async Setup(req: SetupRequest): Promise<ErrorReply> {
      if (!req.backend_id) throw new CofferError('invalid_request', 'Setup needs a backend_id');
      if (backends.has(req.backend_id)) throw new CofferError('invalid_request', `backend "${req.backend_id}" is already set up`);
      if (!req.host_address) throw new CofferError('invalid_request', 'Setup needs the host_address of the storage and system view services');
      const storage = new SessionStorage(host.session(req.host_address), new RemoteStorage(host, req.host_address, req.storage_id));
      // Caching starts if the server offers Storage.Session; otherwise every access is a unary call.
      if (options.storageSession !== false) await storage.start();
      const backend = await factory({
        storage,
        system: new RemoteSystemView(host, req.host_address, req.backend_id),
        logger: logger.child({ backend_uuid: req.backend_uuid }),
        config: { ...req.config },
        backendUuid: req.backend_uuid,
      });
      backends.set(req.backend_id, { backend, storage, hostAddress: req.host_address });
      return {};
    },

    async Initialize(req: InitializeRequest): Promise<ErrorReply> {
      const entry = mounted(req.backend_id);
      await settled(entry, () => entry.backend.initialize({ storage: storageFor(entry, req.storage_id) }));
      return {};
    },

    async HandleRequest(args: HandleRequestArgs): Promise<HandleRequestReply> {
      const entry = mounted(args.backend_id);
      if (!args.request) throw new CofferError('invalid_request', 'HandleRequest needs a request');
      const req = requestFromWire(args.request, storageFor(entry, args.storage_id));
      const res = await settled(entry, () => entry.backend.handleRequest(req));
      return { response: res ? responseToWire(res) : null };
    },

    async HandleExistenceCheck(args: HandleRequestArgs): Promise<ExistenceCheckReply> {
      const entry = mounted(args.backend_id);
      if (!args.request) throw new CofferError('invalid_request', 'HandleExistenceCheck needs a request');
      const req = requestFromWire(args.request, storageFor(entry, args.storage_id));
      const result = await settled(entry, () => entry.backend.handleExistenceCheck(req));
      return { check_found: result.checkFound, exists: result.exists };
    },

    async SpecialPaths(ref: BackendRef): Promise<SpecialPathsReply> {
      const paths = (await backendFor(ref.backend_id)).specialPaths();
      return {
        paths: {
          root: paths.root ?? [],
          unauthenticated: paths.unauthenticated ?? [],
          local_storage: paths.localStorage ?? [],
          seal_wrap_storage: paths.sealWrapStorage ?? [],
        },
      };
    },

    async Cleanup(ref: BackendRef): Promise<ErrorReply> {
      const entry = backends.get(ref.backend_id);
      // Cleaning up twice is harmless: the mount is gone either way.
      if (!entry) return {};
      backends.delete(ref.backend_id);
      try {
        await settled(entry, () => entry.backend.cleanup());
      } finally {
        entry.storage.stop();
      }
      return {};
    },

    async InvalidateKey(req: InvalidateKeyRequest): Promise<ErrorReply> {
      const entry = mounted(req.backend_id);
      entry.storage.invalidate(req.key);
      await entry.backend.invalidateKey(req.key);
      return {};
    },

    async Type(ref: BackendRef): Promise<TypeReply> {
      return { type: (await backendFor(ref.backend_id)).type };
    },

    async PluginVersion(ref: BackendRef): Promise<PluginVersionReply> {
      return { version: (await backendFor(ref.backend_id)).pluginVersion() };
    },
  };
}
