import { Core, type CoreOptions } from '../core/core.js';
import { builtinOnlyModule } from '../core/modules/builtin-only-module.js';
import { coreModules } from '../core/modules/core-modules.js';
import type { CoreModule } from '../core/modules/module.js';
import { createHttpHandler, type HttpHandlerDeps } from '../http/handler.js';
import type { PluginSystem } from '../plugin-catalog/index.js';
import { CoreMetrics } from '../metrics/core-metrics.js';
import { metricsModule, type MetricsOptions } from '../metrics/metrics-module.js';
import { pluginModule } from '../plugin-catalog/plugin-module.js';
import { quotasModule } from '../quotas/quotas-module.js';
import { backupModule } from '../backup/backup-module.js';

export interface ComposeOptions extends Omit<CoreOptions, 'modules'> {
  /** The plugin catalog and external plugins; without it only built-ins can be mounted. */
  plugins?: PluginSystem;
  /** More modules (tests' own). */
  modules?: readonly CoreModule[];
  /** The telemetry stanza's settings. */
  telemetry?: MetricsOptions;
  /** The process's metrics registry, when the plugin system records into it too (see serverMetrics). */
  metrics?: CoreMetrics;
}

/** The process's metrics registry, made before the plugin system so both record into it. */
export function serverMetrics(telemetry?: MetricsOptions): CoreMetrics {
  return new CoreMetrics(telemetry?.prometheusRetentionSeconds ?? 24 * 3600);
}

/**
 * The one composition root: `coffer server` (server/run.ts) and the
 * in-process test server (testing/in-process-server.ts) both build their
 * core here, so what runs in tests is what runs in production.
 */
export function composeCore(options: ComposeOptions): Core {
  const { plugins, modules = [], telemetry, ...core } = options;
  const metrics = options.metrics ?? serverMetrics(telemetry);
  return new Core({ ...core, metrics, modules: [...coreModules(), metricsModule(metrics, telemetry), quotasModule, backupModule, plugins ? pluginModule(plugins) : builtinOnlyModule, ...modules] });
}

/** The HTTP handler of one listener, in front of the core. */
export function coreHttpHandler(core: Core, limits: Omit<HttpHandlerDeps, 'handle' | 'lifecycle' | 'isLifecyclePath'>) {
  return createHttpHandler({
    handle: (req) => core.handle(req),
    lifecycle: (call) => core.lifecycle(call),
    isLifecyclePath: (path) => core.isLifecyclePath(path),
    ...limits,
  });
}
