import { CofferError, type PathDefinition } from '@coffer/sdk';
import type { CoreMetrics } from './core-metrics.js';

/** sys/metrics: Vault's JSON summary, or `?format=prometheus` for Prometheus' text format. */
export function metricsSysPaths(metrics: CoreMetrics): PathDefinition[] {
  return [
    {
      pattern: 'metrics',
      fields: { format: { type: 'string', query: true, description: 'Empty for JSON, or "prometheus" for the Prometheus text format.' } },
      operations: {
        read: {
          summary: "The server's metrics.",
          callback: async (_req, d) => {
            const format = d.get<string>('format') ?? '';
            if (format === 'prometheus') {
              if (metrics.retentionSeconds <= 0) throw new CofferError('invalid_request', 'prometheus is not enabled: set prometheus_retention_time in the telemetry stanza');
              return { data: { http_status_code: 200, http_content_type: metrics.prometheusContentType, http_raw_body: await metrics.prometheusText() } };
            }
            if (format !== '') throw new CofferError('invalid_request', `unknown metrics format "${format}": use "prometheus" or leave it empty for JSON`);
            return { data: { http_status_code: 200, http_content_type: 'application/json', http_raw_body: JSON.stringify(metrics.json()) } };
          },
        },
      },
      helpSynopsis: 'Export the server metrics.',
      helpDescription: 'Vault-named metrics (vault.core.handle_request, vault.route.<operation>.<mount>, vault.core.unsealed…), as JSON or, with format=prometheus, in the Prometheus text format.',
    },
  ];
}
