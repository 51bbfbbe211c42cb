import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { CofferError, InmemStorage, staticSystemView, type Backend, type BackendConfig, type BackendType, type Logger } from '@coffer/sdk';
import { pluginProtocol } from '@coffer/sdk/plugin/index.js';
import { PluginBackend, type PluginCaller } from './backend-client.js';
import { BackendCallStream, STREAMED_METHODS } from './backend-call-stream.js';
import { PluginDatabase } from './database-client.js';
import { HostServices } from './host-services.js';
import { removeLeftoverSocket } from './socket-cleanup.js';

/** How a plugin process ended. */
export interface PluginExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when kill() stopped it; false when it exited or crashed on its own. */
  requested: boolean;
  /** Why it ended, when its plugin runtime knows (e.g. "memory limit 64 MiB exceeded …"). */
  reason?: string;
}

/** Plugin types as the catalog names them. */
export type PluginType = 'secret' | 'auth' | 'database';

/** What a plugin binary says about itself (catalog registration). */
export interface PluginMetadata {
  type: PluginType;
  /** The version the plugin reports ("" if unversioned). */
  version: string;
  /** For secret and auth plugins. */
  backendType?: BackendType;
  /** For database plugins, e.g. "postgresql". */
  databaseType?: string;
  /** The application protocol version of its handshake. */
  protocolVersion: number;
}

export interface PluginProcessParams {
  name: string;
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; reason?: string }>;
  logger: Logger;
  hostIdentity: pluginProtocol.TlsIdentity;
  pluginCertDer: Buffer;
  socketPath: string;
  protocolVersion: number;
  killGraceMs: number;
  /** gRPC deadline of each call (default DEFAULT_PLUGIN_CALL_TIMEOUT_MS). */
  callTimeoutMs?: number;
  /** The user the plugin runs as (a runtime's run_as_user): the host services' socket is handed to it. */
  socketOwner?: { uid: number; gid: number };
}

/**
 * How long one call may run inside the plugin before the host cancels it
 * (a gRPC deadline): Vault's default max_request_duration. A call that
 * never answers then fails 'unavailable' and stops counting as in flight,
 * so a reload does not wait for it.
 */
export const DEFAULT_PLUGIN_CALL_TIMEOUT_MS = 90_000;

/** How long a failed call waits for the process's exit, to tell "crashed" from "misbehaved". */
const EXIT_SETTLE_MS = 500;

/**
 * A running plugin process. One process serves every mount of one plugin
 * and version: dispense() sets up one more Backend inside it.
 *
 * Failure contract: once the process is gone (crash, kill, exit), every call
 * of every Backend or database dispensed from it fails with CofferError
 * 'unavailable', and 'exit' is emitted once. A call that fails that way may
 * or may not have run inside the plugin. The owner (the mount table) should
 * launch a new process, dispense again with the same BackendConfig, and
 * retry the request once; it should not retry any other error code.
 */
export class PluginProcess extends EventEmitter implements PluginCaller {
  readonly name: string;
  readonly pid: number;
  readonly protocolVersion: number;
  /** Resolves when the process has ended, however it ended. */
  readonly exited: Promise<PluginExitInfo>;

  private readonly child: ChildProcess;
  private readonly logger: Logger;
  private readonly hostIdentity: pluginProtocol.TlsIdentity;
  private readonly pluginCertDer: Buffer;
  private readonly clients: { Backend: grpc.Client; Database: grpc.Client };
  private readonly backendCalls: BackendCallStream;
  private readonly killGraceMs: number;
  private readonly callTimeoutMs: number;
  private readonly socketPath: string;
  private readonly socketOwner: { uid: number; gid: number } | undefined;
  private exitInfo: PluginExitInfo | undefined;
  private killRequested = false;
  private hostServices: Promise<HostServices> | undefined;
  private metadataPromise: Promise<PluginMetadata> | undefined;

  constructor(params: PluginProcessParams) {
    super();
    this.name = params.name;
    this.child = params.child;
    this.pid = params.child.pid ?? -1;
    this.logger = params.logger;
    this.hostIdentity = params.hostIdentity;
    this.pluginCertDer = params.pluginCertDer;
    this.protocolVersion = params.protocolVersion;
    this.killGraceMs = params.killGraceMs;
    this.callTimeoutMs = params.callTimeoutMs ?? DEFAULT_PLUGIN_CALL_TIMEOUT_MS;
    this.socketPath = params.socketPath;
    this.socketOwner = params.socketOwner;

    const proto = pluginProtocol.loadPluginProtocol();
    const target = pluginProtocol.unixTarget(params.socketPath);
    const creds = pluginProtocol.channelCredentials(this.hostIdentity, this.pluginCertDer);
    const backend = new proto.Backend(target, creds, pluginProtocol.CHANNEL_OPTIONS);
    // One channel (one TLS connection) for every service of the process.
    const database = new proto.Database(target, creds, { ...pluginProtocol.CHANNEL_OPTIONS, channelOverride: backend.getChannel() });
    this.clients = { Backend: backend, Database: database };
    this.backendCalls = new BackendCallStream(backend, (method, request) => pluginProtocol.unaryCall(backend, method, request, this.callTimeoutMs), this.callTimeoutMs);

    this.exited = params.exit.then((raw) => this.onExit(raw));
  }

  /** True once the process has ended. */
  get isExited(): boolean {
    return this.exitInfo !== undefined;
  }

  override on(event: 'exit', listener: (info: PluginExitInfo) => void): this {
    return super.on(event, listener);
  }

  override once(event: 'exit', listener: (info: PluginExitInfo) => void): this {
    return super.once(event, listener);
  }

  /**
   * Sets up one more backend (one mount) in this process and returns it.
   * The mount's storage and system view from `config` are served to the
   * plugin for as long as the backend lives (until its cleanup()).
   */
  async dispense(config: BackendConfig): Promise<Backend> {
    const host = await this.ensureHostServices();
    const backendId = randomUUID();
    const storageId = host.registerStorage(config.storage);
    host.registerSystemView(backendId, config.system);
    try {
      await this.call('Backend', 'Setup', {
        backend_id: backendId,
        storage_id: storageId,
        host_address: host.address,
        config: config.config,
        backend_uuid: config.backendUuid,
      });
      const ref = { backend_id: backendId };
      const [type, version, paths] = await Promise.all([
        this.call<pluginProtocol.TypeReply>('Backend', 'Type', ref),
        this.call<pluginProtocol.PluginVersionReply>('Backend', 'PluginVersion', ref),
        this.call<pluginProtocol.SpecialPathsReply>('Backend', 'SpecialPaths', ref),
      ]);
      return new PluginBackend(this, host, backendId, config, storageId, backendTypeOf(type.type, this.name), {
        root: paths.paths?.root ?? [],
        unauthenticated: paths.paths?.unauthenticated ?? [],
        localStorage: paths.paths?.local_storage ?? [],
        sealWrapStorage: paths.paths?.seal_wrap_storage ?? [],
      }, version.version);
    } catch (err) {
      host.releaseStorage(storageId);
      host.releaseSystemView(backendId);
      if (!this.isExited) await this.call('Backend', 'Cleanup', { backend_id: backendId }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Does ahead of time what the first mount would otherwise wait for: the
   * TLS connection to the plugin and the host services it will call back.
   * Used for warm spare processes (see ProcessPool).
   */
  async warmUp(timeoutMs = 10_000): Promise<void> {
    await this.ensureHostServices();
    await new Promise<void>((resolve) => this.clients.Backend.waitForReady(Date.now() + timeoutMs, () => resolve()));
    if ((await this.metadata()).type === 'database') return;
    // A throwaway mount over empty in-memory storage, set up and cleaned up
    // at once: the plugin dials the host services and opens its storage
    // session (shared by every later mount), and both sides compile the
    // Setup path, so a reload onto this process only sets up the mount.
    // Initialize is not called: an unconfigured mount must not act.
    const scratch = await this.dispense({ storage: new InmemStorage(), system: staticSystemView(), logger: this.logger, config: {}, backendUuid: '' });
    await scratch.cleanup();
  }

  /** A new database connection served by this (database) plugin process; its first call should be initialize(). */
  dispenseDatabase(): PluginDatabase {
    return new PluginDatabase(this, randomUUID());
  }

  /** What the plugin says it is: secret engine, auth method or database plugin, and its version. */
  metadata(): Promise<PluginMetadata> {
    this.metadataPromise ??= this.fetchMetadata();
    return this.metadataPromise;
  }

  async type(): Promise<PluginType> {
    return (await this.metadata()).type;
  }

  async pluginVersion(): Promise<string> {
    return (await this.metadata()).version;
  }

  /**
   * Stops the process: SIGTERM, then SIGKILL after the grace period. Call
   * cleanup() on its backends first for an orderly unmount; kill() alone is
   * for shutdown and for processes that no longer answer.
   */
  async kill(): Promise<PluginExitInfo> {
    if (this.exitInfo) return this.exitInfo;
    this.killRequested = true;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), this.killGraceMs);
    timer.unref();
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One unary call with the protocol's error mapping (see the class comment). */
  async call<Rep extends object>(service: 'Backend' | 'Database', method: string, request: unknown): Promise<Rep> {
    let reply: Rep;
    try {
      reply = await this.callRaw<Rep>(service, method, request);
    } catch (err) {
      throw await this.transportError(service, method, err);
    }
    pluginProtocol.throwIfError(reply as { error?: pluginProtocol.WireError | null });
    return reply;
  }

  private callRaw<Rep>(service: 'Backend' | 'Database', method: string, request: unknown): Promise<Rep> {
    if (this.exitInfo) return Promise.reject(this.unavailable(method));
    // The hot path rides the Backend.Calls stream when the plugin offers it.
    if (service === 'Backend' && STREAMED_METHODS.has(method)) return this.backendCalls.call<Rep>(method, request);
    return pluginProtocol.unaryCall<Rep>(this.clients[service], method, request, this.callTimeoutMs);
  }

  private async transportError(service: string, method: string, err: unknown): Promise<CofferError> {
    if (err instanceof CofferError) return err;
    const grpcErr = pluginProtocol.isGrpcServiceError(err) ? err : undefined;
    if (grpcErr?.code === grpc.status.UNIMPLEMENTED) {
      return new CofferError('internal', `plugin "${this.name}" does not implement ${service}.${method}: is it the right kind of plugin?`);
    }
    const detail = grpcErr ? `${grpc.status[grpcErr.code]}: ${grpcErr.details}` : String(err);
    if (await this.exitsWithin(EXIT_SETTLE_MS)) return this.unavailable(method);
    if (grpcErr?.code === grpc.status.DEADLINE_EXCEEDED) {
      return new CofferError('unavailable', `plugin "${this.name}" did not answer ${method} within ${this.callTimeoutMs / 1000}s; the call was cancelled`);
    }
    if (grpcErr && [grpc.status.UNAVAILABLE, grpc.status.CANCELLED].includes(grpcErr.code)) {
      return new CofferError('unavailable', `plugin "${this.name}" could not be reached during ${method} (${detail})`);
    }
    return new CofferError('internal', `plugin "${this.name}" failed during ${method} (${detail})`);
  }

  private unavailable(method: string): CofferError {
    const info = this.exitInfo;
    const how = !info
      ? 'it is not running'
      : info.requested
        ? 'it was stopped'
        : info.reason
          ? info.reason
          : info.signal
          ? `its process was killed by ${info.signal}`
          : `its process exited with code ${info.code}`;
    return new CofferError('unavailable', `plugin "${this.name}" is unavailable during ${method}: ${how}`);
  }

  private async exitsWithin(ms: number): Promise<boolean> {
    if (this.exitInfo) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const result = await Promise.race([this.exited.then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  }

  private ensureHostServices(): Promise<HostServices> {
    this.hostServices ??= HostServices.start(this.hostIdentity, this.pluginCertDer, this.socketOwner);
    return this.hostServices;
  }

  private async fetchMetadata(): Promise<PluginMetadata> {
    const ref = { backend_id: '' };
    let type: pluginProtocol.TypeReply;
    try {
      type = await this.callRaw<pluginProtocol.TypeReply>('Backend', 'Type', ref);
    } catch (err) {
      if (!(pluginProtocol.isGrpcServiceError(err) && err.code === grpc.status.UNIMPLEMENTED)) {
        throw await this.transportError('Backend', 'Type', err);
      }
      // Not a backend plugin: a database plugin serves the Database service instead.
      const db = await this.call<pluginProtocol.DatabaseTypeReply>('Database', 'Type', { instance_id: '' });
      return { type: 'database', version: db.version, databaseType: db.type, protocolVersion: this.protocolVersion };
    }
    pluginProtocol.throwIfError(type);
    const backendType = backendTypeOf(type.type, this.name);
    const version = await this.call<pluginProtocol.PluginVersionReply>('Backend', 'PluginVersion', ref);
    return {
      type: backendType === 'credential' ? 'auth' : 'secret',
      version: version.version,
      backendType,
      protocolVersion: this.protocolVersion,
    };
  }

  private onExit(raw: { code: number | null; signal: NodeJS.Signals | null; reason?: string }): PluginExitInfo {
    const info: PluginExitInfo = { ...raw, requested: this.killRequested };
    this.exitInfo = info;
    // Closes the one shared channel. (Not Database.close(): the generated
    // client's `close` is the Database service's Close RPC.)
    this.backendCalls.close();
    this.clients.Backend.close();
    void this.hostServices?.then((h) => h.close()).catch(() => undefined);
    // A plugin stopped by a signal could not remove its socket directory.
    void removeLeftoverSocket(this.socketPath);
    if (info.requested) this.logger.debug({ code: info.code, signal: info.signal }, 'plugin stopped');
    else this.logger.warn({ code: info.code, signal: info.signal }, info.reason ? `plugin exited unexpectedly: ${info.reason}` : 'plugin exited unexpectedly');
    this.emit('exit', info);
    return info;
  }
}

function backendTypeOf(type: string, name: string): BackendType {
  if (type === 'logical' || type === 'credential') return type;
  throw new CofferError('internal', `plugin "${name}" reported backend type "${type}"; expected "logical" or "credential"`);
}
