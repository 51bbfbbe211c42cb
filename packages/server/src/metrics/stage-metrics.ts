import type { Stage } from '../core/pipeline/stage.js';
import type { CoreMetrics } from './core-metrics.js';

/**
 * metrics: times every request (vault.core.handle_request, or
 * vault.core.handle_login_request on a login path) and, once routed, by
 * operation and mount (vault.route.<operation>.<mount>, the mount path with
 * "/" as "-", as Vault names them). Failed requests count too.
 */
export function metricsStage(metrics: CoreMetrics): Stage {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - started;
      metrics.measure(ctx.unauthenticated ? 'vault.core.handle_login_request' : 'vault.core.handle_request', ms);
      if (ctx.route) metrics.measure(`vault.route.${ctx.request?.operation ?? ctx.incoming.operation}.${ctx.route.path.replace(/\//g, '-')}`, ms);
    }
  };
}
