import { hostname } from 'node:os';
import { CofferError, type Logger } from '@coffer/sdk';
import type { CustomResponseHeaders } from '../config/custom-response-headers.js';
import { loadConfig, type ServerConfig } from '../config/index.js';
import { COFFER_VERSION, VAULT_API_VERSION } from '../core/version.js';
import { withCustomResponseHeaders } from '../http/custom-response-headers.js';
import { createListener, type Listener, type ListenerOptions } from '../http/listener.js';
import { listenerOptionsFromConfig } from '../http/listener-config.js';
import { DEFAULT_JSON_LIMITS, type JsonLimits } from '../http/json-limits.js';
import { DEFAULT_MAX_REQUEST_SIZE } from '../http/read-body.js';
import { createUiServer } from '../http/ui-static.js';
import { startAutoUnseal } from '../seal/auto-unseal-loop.js';
import { closeSealSetup, sealSetupFromConfig } from '../seal/seal-setup.js';
import { createPhysical } from '../physical/index.js';
import { createPluginSystem, type PluginDeclaration } from '../plugin-catalog/index.js';
import { composeCore, coreHttpHandler, serverMetrics } from './compose.js';
import { bootstrapDev, devBanner } from './dev-mode.js';
import { createServerLogger } from './logger.js';
import { haNodeForStorage } from '../ha/node-for-storage.js';
import type { RunningServer, ServerOptions } from './options.js';

const DEV_ADDRESS = '127.0.0.1:8200';
const DAY = 24 * 3600;

/** `coffer server`: load config, open storage, build the core, listen. */
export async function runServer(opts: ServerOptions): Promise<RunningServer> {
  const out = opts.out ?? process.stdout;
  const { config, warnings } = opts.configPaths.length > 0 ? await loadConfig(opts.configPaths) : { config: undefined, warnings: [] as string[] };
  if (!opts.dev && !config) throw new CofferError('invalid_request', 'no configuration given: use -config=FILE, or -dev for a development server');
  const logger = createServerLogger(opts.logLevel ?? config?.logLevel ?? 'info', config?.logFormat === 'json' ? 'json' : 'standard');
  for (const w of warnings) logger.warn({}, w);

  const storage = opts.dev ? { type: 'inmem', config: {} } : config?.storage;
  if (!storage) throw new CofferError('invalid_request', 'the configuration has no storage stanza: add for example storage "sqlite" { path = "/var/lib/coffer" }');
  const physical = await createPhysical(storage.type, storage.config, logger.child({ component: 'storage' }));

  const listenersConfig: ListenerSpec[] = opts.dev
    ? [{ listener: { address: opts.devListenAddress ?? DEV_ADDRESS }, maxRequestSize: DEFAULT_MAX_REQUEST_SIZE, maxRequestDurationSeconds: 90, jsonLimits: DEFAULT_JSON_LIMITS }]
    : (config?.listeners ?? []).map((l) => ({
        // Address, TLS (versions, client certificates) and Vault's http_* timeouts, from the stanza.
        listener: listenerOptionsFromConfig(l, () => undefined),
        maxRequestSize: l.maxRequestSize,
        maxRequestDurationSeconds: l.maxRequestDurationSeconds,
        customResponseHeaders: l.customResponseHeaders,
        jsonLimits: { ...DEFAULT_JSON_LIMITS, ...l.jsonLimits },
        unauthenticatedMetrics: l.unauthenticatedMetricsAccess,
      }));
  if (listenersConfig.length === 0) throw new CofferError('invalid_request', 'the configuration has no listener: add listener "tcp" { address = "127.0.0.1:8200" tls_disable = true }');

  const firstListener = listenersConfig[0]!.listener;
  const firstListenerUrl = `${firstListener.tls ? 'https' : 'http'}://${firstListener.address}`;
  // Names this node in plugin reload results as sys/ha-status does (two nodes on one machine differ
  // by their api_addr); no "|", which the CLI's tables take for a column separator.
  const reloadNodeId = `${hostname()}/${(config?.apiAddr ?? firstListenerUrl).replace(/\/+$/, '')}`;
  const sealSetup = opts.dev ? {} : sealSetupFromConfig(config?.seals ?? [], logger.child({ component: 'seal' }));
  const metrics = serverMetrics(config?.telemetry);
  const plugins = createPluginSystem({
    metrics,
    pluginDirectory: opts.devPluginDir ?? config?.pluginDirectory,
    warmSpares: config?.pluginWarmSpares ?? false,
    declaredPlugins: declaredPlugins(config),
    nodeId: reloadNodeId,
    // Other servers sharing this storage record global reloads there; look for new ones every few seconds.
    globalReloadPollMs: 5000,
    logger: logger.child({ component: 'plugins' }),
  });
  const ha = haNodeForStorage(
    physical,
    { apiAddr: config?.apiAddr, clusterAddr: config?.clusterAddr, clusterListenAddress: config?.listeners.find((l) => l.clusterAddress)?.clusterAddress, disableClustering: config?.disableClustering, performanceStandby: config?.performanceStandby, listenerUrl: firstListenerUrl },
    logger.child({ component: 'ha' }),
  );
  const core = composeCore({
    physical,
    ...(ha ? { ha } : {}),
    storageType: storage.type,
    logger,
    defaultLeaseTtl: config?.defaultLeaseTtl || 32 * DAY,
    maxLeaseTtl: config?.maxLeaseTtl || 32 * DAY,
    clusterName: config?.clusterName,
    serverAddress: (config?.apiAddr ?? firstListenerUrl).replace(/\/+$/, ''),
    plugins,
    metrics,
    seal: sealSetup,
    ...(config?.telemetry ? { telemetry: config.telemetry } : {}),
  });

  // The web UI at /ui/: on by default in dev mode, as in Vault.
  const serveUi = createUiServer({ enabled: config?.ui === true || opts.dev === true });
  // Each listener enforces its own max_request_size and max_request_duration, as in Vault.
  const handlerFor = (spec: ListenerSpec) =>
    withCustomResponseHeaders(coreHttpHandler(core, {
      maxRequestSize: () => spec.maxRequestSize,
      jsonLimits: () => spec.jsonLimits,
      maxRequestDurationMs: () => spec.maxRequestDurationSeconds * 1000,
      unauthenticatedMetrics: spec.unauthenticatedMetrics === true,
      logger: logger.child({ component: 'http' }),
      serveOther: serveUi,
    }), spec.customResponseHeaders);

  const listeners: Listener[] = [];
  try {
    for (const spec of listenersConfig) {
      listeners.push(
        await createListener({
          ...spec.listener,
          handler: handlerFor(spec),
          logger: logger.child({ component: 'listener' }),
        }),
      );
    }
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close(0)));
    await physical.close();
    throw err;
  }
  // The cluster port hands the requests other nodes forward to the first listener's handler.
  if (ha?.cluster) ha.cluster.handler = handlerFor(listenersConfig[0]!);
  const scheme = listenersConfig[0]!.listener.tls ? 'https' : 'http';
  const address = `${scheme}://${listeners[0]!.address}`;

  out.write(startupBanner(address, storage.type, ha !== undefined, listenersConfig, logger === undefined ? 'info' : (opts.logLevel ?? config?.logLevel ?? 'info')));

  let rootToken: string | undefined;
  let unsealKey: string | undefined;
  if (opts.dev) {
    const dev = await bootstrapDev(core, { rootTokenId: opts.devRootTokenId, writeTokenHelper: !opts.noTokenHelper });
    rootToken = dev.rootToken;
    unsealKey = dev.unsealKey;
    if (opts.devPluginDir) await plugins.registerDevPlugins(opts.devPluginDir);
    out.write(devBanner(address, rootToken, unsealKey, opts.devPluginDir));
  }

  // An auto seal unseals the server by itself, retrying while the seal is unreachable.
  const stopAutoUnseal = new AbortController();
  const autoUnsealing = sealSetup.autoSeal ? startAutoUnseal(core.seal, logger.child({ component: 'seal' }), stopAutoUnseal.signal) : Promise.resolve();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopAutoUnseal.abort();
      await autoUnsealing;
      closeSealSetup(sealSetup);
      await Promise.all(listeners.map((l) => l.close(2000)));
      if (!core.isSealed()) await core.seal.seal().catch((err: unknown) => logger.warn({ err: String(err) }, 'seal on shutdown failed'));
      await physical.close();
    })();
    return closing;
  };
  if (!opts.noSignalHandlers) installSignalHandlers(close, logger);
  return { address, rootToken, unsealKey, close };
}

/** The config's plugin stanzas as the catalog takes them (registered at every unseal). */
function declaredPlugins(config: ServerConfig | undefined): PluginDeclaration[] {
  return (config?.plugins ?? []).map(({ sourceFile, line, ...declared }) => ({ ...declared, declaredAt: line === undefined ? sourceFile : `${sourceFile} line ${line}` }));
}

interface ListenerSpec {
  /** createListener's options, less the handler (each listener gets its own, with its own limits). */
  listener: Omit<ListenerOptions, 'handler'>;
  maxRequestSize: number;
  maxRequestDurationSeconds: number;
  customResponseHeaders?: CustomResponseHeaders;
  jsonLimits: JsonLimits;
  unauthenticatedMetrics?: boolean;
}

function startupBanner(address: string, storageType: string, ha: boolean, listeners: ListenerSpec[], logLevel: string): string {
  const rows: [string, string][] = [
    ['Api Address', address],
    ...listeners.map((l, i): [string, string] => [`Listener ${i + 1}`, `tcp (addr: "${l.listener.address}", max_request_duration: "${l.maxRequestDurationSeconds}s", max_request_size: "${l.maxRequestSize}", tls: "${l.listener.tls ? 'enabled' : 'disabled'}")`]),
    ['Log Level', logLevel],
    ['Storage', `${storageType}${ha ? ' (HA available)' : ''}`],
    ['Version', `Coffer v${COFFER_VERSION} (Vault API ${VAULT_API_VERSION})`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['==> Coffer server configuration:', '', ...rows.map(([k, v]) => `${' '.repeat(width - k.length + 4)}${k}: ${v}`), '', '==> Coffer server started! Log data will stream in below:', '', ''].join('\n');
}

function installSignalHandlers(close: () => Promise<void>, logger: Logger): void {
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutdown triggered');
    close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err: String(err) }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

export type { ServerConfig };
