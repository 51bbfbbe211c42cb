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
export function metricsModule(options: MetricsOptions = {}): CoreModule {
  const metrics = new CoreMetrics(options.prometheusRetentionSeconds ?? 24 * 3600);
  const usagePeriodMs = (options.usageGaugePeriodSeconds ?? 600) * 1000;
  return {
    name: 'metrics',
    needs: ['expiration'],
    provides: ['metrics'],
    build: (ctx) => {
      const expiration = ctx.get('expiration');
      let timer: NodeJS.Timeout | undefined;
      const usage = () => metrics.setGauge('vault.expire.num_leases', expiration.count());
      return {
        services: { metrics },
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
