import type { CoreModule } from '../core/modules/module.js';
import { CoreMetrics } from './core-metrics.js';
import { metricsStage } from './stage-metrics.js';
import { metricsSysPaths } from './sys-paths.js';

declare module '../core/modules/module.js' {
  interface CoreServices {
    metrics: CoreMetrics;
  }
}

/**
 * Metrics as a module: the metrics stage, sys/metrics, and
 * vault.core.unsealed. The metrics themselves outlive a seal (the registry
 * belongs to the server process, as Vault's sink does).
 */
export function metricsModule(metrics = new CoreMetrics()): CoreModule {
  return {
    name: 'metrics',
    provides: ['metrics'],
    build: () => ({
      services: { metrics },
      stages: [{ name: 'metrics', stage: metricsStage(metrics) }],
      sysPaths: metricsSysPaths(metrics),
      start: async () => metrics.setGauge('vault.core.unsealed', 1),
      stop: async () => metrics.setGauge('vault.core.unsealed', 0),
    }),
  };
}
