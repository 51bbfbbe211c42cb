import { CofferError, StorageView, type Backend, type Logger, type PathDefinition, type Storage } from '@coffer/sdk';
import type { BuiltinPlugin } from '@coffer/builtin';
import type { BackendSource } from '../mounts/backend-source.js';
import type { MountEntry, MountTableName } from '../mounts/mount-entry.js';
import { runPluginMetadata, type ProcessLimits } from '../plugin-runtime/index.js';
import { PluginCatalog } from './catalog.js';
import { openDatabasePlugin, type OpenedDatabasePlugin } from './database-plugins.js';
import { applyDeclarations, type DeclarationOutcome, type PluginDeclaration } from './declared-plugins.js';
import { registerDevPlugins, type DevPluginReport } from './dev-plugins.js';
import { DrainableBackend } from './drainable-backend.js';
import { ExternalBackend } from './external-backend.js';
import { MountReloader, type ReloadMounts, type ReloadRouter } from './mount-reloader.js';
import { catalogPaths } from './paths-catalog.js';
import { pinPaths } from './paths-pins.js';
import { reloadPaths } from './paths-reload.js';
import { measuredLauncher } from './plugin-metrics.js';
import { silentMetrics, timed, type MetricsSink } from '../metrics/sink.js';
import { PluginDirectory } from './plugin-directory.js';
import { PluginReloadService, type ReloadAsk, type ReloadReport } from './plugin-reload.js';
import { PluginSource } from './plugin-source.js';
import { ProcessPool, runtimeLauncher, type Launcher } from './process-pool.js';
import { prepareRegistration, type PluginInspector } from './registration.js';
import { RELOAD_PREFIX, ReloadStore } from './reload-store.js';
import type { InvalidationHandler } from '../core/invalidation.js';
import { outsideStandbyRead } from '../ha/standby-reads.js';
import { CONTAINER_UNSUPPORTED, runtimePaths } from './paths-runtimes.js';
import { processLimitsOf } from './runtime-entry.js';
import { RUNTIME_CATALOG_PREFIX, RuntimeStore } from './runtime-store.js';

/** What the plugin system needs of the core: the barrier, the router and the mount table (plugin-module.ts gives them). */
export interface PluginHost {
  readonly barrier: Storage;
  readonly router: ReloadRouter & { all(): { backend: Backend }[] };
  /** Throws while sealed. */
  readonly mounts: ReloadMounts & { find(table: MountTableName, path: string): MountEntry | undefined };
}

export interface PluginSystemOptions {
  /** plugin_directory from the server configuration; without it external plugins are refused. */
  pluginDirectory?: string;
  /** This node's id in reload results, e.g. "<hostname>|<api_addr>". */
  nodeId: string;
  logger: Logger;
  /** Where plugin launches, exits and reloads are counted (the server's registry). */
  metrics?: MetricsSink;
  /** How long a reload waits for in-flight requests on the old backend (default 30 s). */
  drainTimeoutMs?: number;
  /** plugin_warm_spares: keep a spare process of plugins reloaded in place (ProcessPool). */
  warmSpares?: boolean;
  /** How long a plugin may take to print its handshake line (default 10 s). */
  handshakeTimeoutMs?: number;
  /** How long one call into a plugin may run before it is cancelled (default 90 s). */
  callTimeoutMs?: number;
  /** Poll the storage for global reloads made by other nodes every this many ms (0, the default: never). */
  globalReloadPollMs?: number;
  /** `plugin "TYPE" "NAME" { … }` stanzas of the configuration: registered or updated at every unseal (declared-plugins.ts). */
  declaredPlugins?: readonly PluginDeclaration[];
  /** Tests: replace how processes are started and how binaries are inspected, and the built-in list. */
  launch?: Launcher;
  inspect?: PluginInspector;
  builtins?: readonly BuiltinPlugin[];
}

export interface PluginSystem {
  /** Mounts resolve through the catalog first, then the built-ins. */
  wrapSource(builtin: BackendSource, core: PluginHost): BackendSource;
  /** sys/plugins/catalog…, sys/plugins/pins…, sys/plugins/reload… */
  extraSysPaths(core: PluginHost): PathDefinition[];
  /** At unseal, before any mount starts: registers or updates the declared plugins; failures are logged, never thrown. */
  applyDeclaredPlugins(core: PluginHost): Promise<DeclarationOutcome[]>;
  /** At unseal (module start). */
  onUnsealed(core: PluginHost): Promise<void>;
  /** At seal (module stop): cleans up external mounts and stops every plugin process. */
  onSealing(core: PluginHost): Promise<void>;
  /** True when the catalog has the plugin (so `secrets enable my-plugin` works). */
  knownType(kind: 'secret' | 'auth', type: string): Promise<boolean>;
  /** Dev mode: `dir` becomes the plugin directory and every executable in it is registered. Call once unsealed. */
  registerDevPlugins(dir: string): Promise<DevPluginReport>;
  /** A reload, as sys/plugins/reload/backend does it. */
  reload(ask: ReloadAsk): Promise<ReloadReport>;
  /** Applies global reloads other nodes stored since this node unsealed (see plugin-reload.ts). */
  pickUpGlobalReloads(): Promise<number>;
  /**
   * Storage changes under core/plugin-reload/ (an HA standby's change feed,
   * a promotion, or this node's own writes): a new global reload request
   * starts a pickup at once, without waiting for the poller.
   */
  invalidationHandler(): InvalidationHandler;
  /** For the database secrets engine: a connection of an external database plugin, or null if `name` is not one. */
  openDatabasePlugin(name: string, version?: string): Promise<OpenedDatabasePlugin | null>;
  /** The catalog (throws before the first unseal). */
  catalog(): PluginCatalog;
}

/**
 * The plugin catalog, external plugin processes and reloads. The core
 * reaches it as a module (plugin-module.ts):
 *
 *   const plugins = createPluginSystem({ pluginDirectory, nodeId, logger });
 *   composeCore({ ...options, plugins });
 */
export function createPluginSystem(options: PluginSystemOptions): PluginSystem {
  const logger = options.logger.child({ component: 'plugins' });
  let directory = new PluginDirectory(options.pluginDirectory);
  let host: PluginHost | undefined;
  let catalog: PluginCatalog | undefined;
  let runtimes: RuntimeStore | undefined;
  let unsealedAt = new Date();
  let poller: NodeJS.Timeout | undefined;
  const applying = new Set<string>();

  const pool = new ProcessPool({
    resolveCommand: (command) => directory.resolve(command),
    launch: measuredLauncher(options.launch ?? runtimeLauncher(logger, options.handshakeTimeoutMs, options.callTimeoutMs), options.metrics ?? silentMetrics),
    logger,
    warmSpares: options.warmSpares ?? false,
    resolveRuntime: (name) => resolveRuntime(name),
  });
  const inspect: PluginInspector =
    options.inspect ??
    ((command, args, env, name, sandbox) => runPluginMetadata(command, args, [...env], { name, logger, handshakeTimeoutMs: options.handshakeTimeoutMs, ...(sandbox ? { sandbox } : {}) }));

  const attach = (core: PluginHost): PluginCatalog => {
    if (host !== core || !catalog) {
      host = core;
      catalog = new PluginCatalog({ barrier: core.barrier, builtins: options.builtins });
      runtimes = new RuntimeStore(new StorageView(core.barrier, RUNTIME_CATALOG_PREFIX));
    }
    return catalog;
  };
  const needRuntimes = (): RuntimeStore => {
    if (!runtimes) throw new Error('the plugin runtime catalog is not available before the first unseal');
    return runtimes;
  };
  /** The limits a plugin registered with runtime=NAME runs under; a 400 when there are none to apply. */
  const resolveRuntime = async (name: string): Promise<ProcessLimits> => {
    const entry = await needRuntimes().forPlugin(name);
    if (!entry) throw new CofferError('invalid_request', `plugin runtime "${name}" is not registered: register it with sys/plugins/runtimes/catalog/process/${name}`);
    if (entry.type === 'container') throw new CofferError('invalid_request', `plugin runtime "${name}" is of type "container": ${CONTAINER_UNSUPPORTED}`);
    return processLimitsOf(entry);
  };
  const needCatalog = (): PluginCatalog => {
    if (!catalog) throw new Error('the plugin catalog is not available before the first unseal');
    return catalog;
  };
  const needHost = (): PluginHost => {
    if (!host) throw new Error('the plugin system is not attached to a core yet');
    return host;
  };

  let source: PluginSource | undefined;
  const needSource = (): PluginSource => {
    if (!source) throw new Error('plugins cannot be reloaded before the mount table is loaded (wrapSource was not called)');
    return source;
  };
  const reloader = (): MountReloader =>
    new MountReloader({ mounts: () => needHost().mounts, router: () => needHost().router, source: needSource(), pool, logger, drainTimeoutMs: options.drainTimeoutMs });
  const reloads = (): PluginReloadService =>
    new PluginReloadService({ reloader: reloader(), store: () => new ReloadStore(new StorageView(needHost().barrier, RELOAD_PREFIX)), nodeId: options.nodeId, logger, applying });
  const register = async (input: Parameters<typeof prepareRegistration>[0]) => {
    const entry = await prepareRegistration(input, { directory, inspect, resolveRuntime });
    await needCatalog().register(entry);
    logger.info({ plugin: entry.name, type: entry.type, version: entry.version }, 'registered plugin');
    return entry;
  };

  /**
   * Starts a pickup in the background: a reload may drain requests for a
   * while, and the change feed must not wait for it. Outside any standby
   * read, since the change feed may be catching up inside one, and the
   * pickup writes this node's result.
   */
  const pickUpSoon = (why: string): void =>
    outsideStandbyRead(() => {
      if (!host) return;
      reloads()
        .pickUpGlobalReloads(unsealedAt)
        .catch((err: unknown) => logger.warn({ err: String(err), trigger: why }, 'applying global plugin reloads failed'));
    });

  return {
    wrapSource(builtin, core) {
      const cat = attach(core);
      pool.open();
      source = new PluginSource(builtin, { catalog: cat, pool, logger, isNewMount: (entry) => core.mounts.find(entry.table, entry.path) !== entry });
      return source;
    },
    extraSysPaths(core) {
      attach(core);
      return [
        ...catalogPaths({ catalog: needCatalog, register }),
        ...pinPaths({ catalog: needCatalog }),
        ...reloadPaths({ reloads }),
        ...runtimePaths({ runtimes: needRuntimes, plugins: () => needCatalog().store.all(), changed: () => pool.dropSpares() }),
      ];
    },
    async applyDeclaredPlugins(core) {
      const declared = options.declaredPlugins ?? [];
      if (declared.length === 0) return [];
      return applyDeclarations(declared, { directory, inspect, resolveRuntime, catalog: attach(core), logger });
    },
    async onUnsealed(core) {
      attach(core);
      unsealedAt = new Date();
      if (options.globalReloadPollMs && options.globalReloadPollMs > 0) {
        poller = setInterval(() => {
          reloads()
            .pickUpGlobalReloads(unsealedAt)
            .catch((err: unknown) => logger.warn({ err: String(err) }, 'checking for global plugin reloads failed'));
        }, options.globalReloadPollMs);
        poller.unref();
      }
    },
    async onSealing(core) {
      if (poller) clearInterval(poller);
      poller = undefined;
      // Tell every external mount to clean up while its process still runs, then stop the processes.
      const externals = core.router.all().map((r) => r.backend).filter((b) => b instanceof DrainableBackend && b.inner instanceof ExternalBackend);
      await Promise.all(externals.map((b) => b.cleanup().catch((err: unknown) => logger.warn({ err: String(err) }, 'plugin cleanup at seal failed'))));
      await pool.closeAll();
    },
    async knownType(kind, type) {
      if (!catalog) return false;
      return catalog.exists(kind, type);
    },
    async registerDevPlugins(dir) {
      // As in Vault, -dev-plugin-dir becomes the plugin directory.
      directory = new PluginDirectory(dir);
      return registerDevPlugins({ directory, catalog: needCatalog(), inspect, logger });
    },
    reload: (ask) => timed(options.metrics ?? silentMetrics, 'vault.plugin.reload', () => reloads().reload(ask)),
    pickUpGlobalReloads: () => reloads().pickUpGlobalReloads(unsealedAt),
    invalidationHandler: () => ({
      prefix: RELOAD_PREFIX,
      invalidate: (key) => {
        if (key.endsWith('/request')) pickUpSoon('a reload request was stored');
      },
      invalidateAll: () => pickUpSoon('caches re-read (promotion or change-feed gap)'),
    }),
    openDatabasePlugin: (name, version) => openDatabasePlugin({ catalog: needCatalog(), pool }, name, version),
    catalog: needCatalog,
  };
}
