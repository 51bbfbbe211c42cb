import { silentLogger, type Logger } from '@coffer/sdk';
import type { Core } from '../core/core.js';
import type { CoreModule } from '../core/modules/module.js';
import type { MetricsOptions } from '../metrics/metrics-module.js';
import { composeCore, coreHttpHandler, serverMetrics } from '../server/compose.js';
import { createListener, type Listener } from '../http/listener.js';
import type { ListenerTlsOptions } from '../http/listener-tls.js';
import { DEFAULT_JSON_LIMITS, type JsonLimits } from '../http/json-limits.js';
import { DEFAULT_MAX_REQUEST_SIZE } from '../http/read-body.js';
import { InmemBackend, type PhysicalBackend } from '../physical/index.js';
import { createPluginSystem, type PluginSystem } from '../plugin-catalog/index.js';
import { bootstrapDev } from '../server/dev-mode.js';

export interface InProcessServer {
  core: Core;
  address: string;
  rootToken: string;
  unsealKey: string;
  /** The plugin system, when the server was started with `plugins`. */
  plugins?: PluginSystem;
  /** fetch() against /v1/PATH with the root token unless another token is given. */
  request(method: string, path: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/**
 * A dev-mode server in the test's own process, on a free loopback port:
 * the HTTP tests drive it over real sockets.
 */
export async function startInProcessServer(
  opts: {
    dev?: boolean;
    logger?: Logger;
    maxRequestSize?: number;
    /** The listener's max_json_* bounds (default: Vault's). */
    jsonLimits?: Partial<JsonLimits>;
    /** The server-wide lease defaults (default_lease_ttl / max_lease_ttl), seconds. */
    core?: { defaultLeaseTtl?: number; maxLeaseTtl?: number };
    /** Extra core modules (a test's own stage or service). */
    modules?: readonly CoreModule[];
    /** The telemetry stanza's settings, and the listener's unauthenticated_metrics_access. */
    telemetry?: MetricsOptions;
    unauthenticatedMetrics?: boolean;
    /** Physical storage to run on (default: a fresh inmem backend); close() closes it. */
    physical?: PhysicalBackend;
    /** The storage type reported by sys/seal-status (default: "inmem", or the given one). */
    storageType?: string;
    /**
     * Wire the plugin catalog and external plugins in, as `coffer server` does,
     * with `directory` as plugin_directory. Without it, only built-ins exist.
     */
    plugins?: { directory: string; callTimeoutMs?: number; drainTimeoutMs?: number };
    /** Serve HTTPS with these listener TLS settings (the address is then https://…; `request` does not present a client certificate). */
    tls?: ListenerTlsOptions;
  } = {},
): Promise<InProcessServer> {
  const logger = opts.logger ?? silentLogger;
  const physical = opts.physical ?? new InmemBackend();
  const metrics = serverMetrics(opts.telemetry);
  const plugins = opts.plugins
    ? createPluginSystem({
        metrics,
        pluginDirectory: opts.plugins.directory,
        nodeId: 'in-process',
        logger: logger.child({ component: 'plugins' }),
        ...(opts.plugins.callTimeoutMs !== undefined ? { callTimeoutMs: opts.plugins.callTimeoutMs } : {}),
        ...(opts.plugins.drainTimeoutMs !== undefined ? { drainTimeoutMs: opts.plugins.drainTimeoutMs } : {}),
      })
    : undefined;
  // The same composition root as `coffer server` (server/run.ts).
  const core = composeCore({
    physical,
    storageType: opts.storageType ?? 'inmem',
    logger,
    defaultLeaseTtl: opts.core?.defaultLeaseTtl ?? 768 * 3600,
    maxLeaseTtl: opts.core?.maxLeaseTtl ?? 768 * 3600,
    plugins,
    modules: opts.modules,
    telemetry: opts.telemetry,
    metrics,
  });
  const handler = coreHttpHandler(core, {
    maxRequestSize: () => opts.maxRequestSize ?? DEFAULT_MAX_REQUEST_SIZE,
    jsonLimits: () => ({ ...DEFAULT_JSON_LIMITS, ...opts.jsonLimits }),
    logger,
    unauthenticatedMetrics: opts.unauthenticatedMetrics,
  });
  const listener: Listener = await createListener({ address: '127.0.0.1:0', handler, logger, ...(opts.tls ? { tls: opts.tls } : {}) });
  const address = `${opts.tls ? 'https' : 'http'}://${listener.address}`;
  let rootToken = '';
  let unsealKey = '';
  if (opts.dev !== false) {
    ({ rootToken, unsealKey } = await bootstrapDev(core, { writeTokenHelper: false }));
  }
  const server: InProcessServer = {
    core,
    address,
    get rootToken() {
      return rootToken;
    },
    set rootToken(v: string) {
      rootToken = v;
    },
    unsealKey,
    ...(plugins ? { plugins } : {}),
    async request(method, path, body, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      const token = o.token === undefined ? rootToken : o.token;
      if (token) headers['X-Vault-Token'] = token;
      // Like Vault's api client: PATCH sends a JSON merge patch, everything else JSON.
      const hasContentType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
      if (body !== undefined && !hasContentType) headers['Content-Type'] = method.toUpperCase() === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      const res = await fetch(`${address}/v1/${path.replace(/^\//, '')}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await listener.close(0);
      if (!core.isSealed()) await core.seal.seal().catch(() => undefined);
      await physical.close();
    },
  };
  return server;
}
