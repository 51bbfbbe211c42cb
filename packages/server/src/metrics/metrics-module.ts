import type { CoreModule } from '../core/modules/module.js';
import type { CoreMetrics } from './core-metrics.js';
import { metricsStage } from './stage-metrics.js';
import { metricsSysPaths } from './sys-paths.js';

/**
 * Metrics as a module: the metrics stage, sys/metrics, and
 * vault.core.unsealed. The registry itself belongs to the server process
 * (created at the composition root, as Vault's sink is) and outlives a
 * seal; the barrier, tokens, audit and plugins record into it through the
 * core's `metrics` service.
 */
export function metricsModule(metrics: CoreMetrics, options: MetricsOptions = {}): CoreModule {
  const usagePeriodMs = (options.usageGaugePeriodSeconds ?? 600) * 1000;
  return {
    name: 'metrics',
    needs: ['expiration'],
    provides: [],
    build: (ctx) => {
      const expiration = ctx.get('expiration');
      let timer: NodeJS.Timeout | undefined;
      const usage = () => metrics.setGauge('vault.expire.num_leases', expiration.count());
      return {
        stages: [{ name: 'metrics', stage: metricsStage(metrics) }],
        sysPaths: metricsSysPaths(metrics),
        start: async () => {
          metrics.setGauge('vault.core.unsealed', 1);
          usage();
          timer = setInterval(usage, usagePeriodMs);
          timer.unref();
        },
        stop: async () => {
          clearInterval(timer);
          metrics.setGauge('vault.core.unsealed', 0);
        },
      };
    },
  };
}

/** The `telemetry` stanza's settings the module acts on (seconds). */
export interface MetricsOptions {
  /** 0 turns format=prometheus off, as in Vault. */
  prometheusRetentionSeconds?: number;
  usageGaugePeriodSeconds?: number;
}
