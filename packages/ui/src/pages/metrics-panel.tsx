import { api } from '../api/client';
import { ApiError } from '../api/errors';
import { ErrorBox } from '../components/error-box';
import { useApi } from '../use-api';
import { Table } from '../components/table';

interface MetricsJson {
  Counters?: { Name: string; Count: number; Rate: number; Mean: number }[];
  Samples?: { Name: string; Count: number; Rate: number; Mean: number; Max: number }[];
}

/**
 * Request rate and latency from sys/metrics (JSON format, as Vault's
 * telemetry gives it). Servers without sys/metrics get a short note instead.
 */
export function MetricsPanel() {
  const metrics = useApi(async () => {
    try {
      return (await api.read('sys/metrics', { format: 'json' })) as unknown as MetricsJson;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return null;
      throw err;
    }
  }, []);
  if (metrics.loading && metrics.data === undefined) return null;
  return (
    <section aria-labelledby="metrics-h">
      <h2 id="metrics-h">Requests</h2>
      {metrics.error ? (
        <ErrorBox error={metrics.error} />
      ) : metrics.data === null ? (
        <p className="muted">This server does not publish sys/metrics, so no request rate or latency is shown.</p>
      ) : (
        <Table caption="Request metrics" columns={['Metric', 'Count', 'Rate (/s)', 'Mean']}>
          {[...(metrics.data?.Counters ?? []), ...(metrics.data?.Samples ?? [])]
            .filter((m) => /request|core\.handle/i.test(m.Name))
            .map((m) => (
              <tr key={m.Name}>
                <td>{m.Name}</td>
                <td>{m.Count}</td>
                <td>{m.Rate.toFixed(2)}</td>
                <td>{m.Mean.toFixed(2)}</td>
              </tr>
            ))}
        </Table>
      )}
    </section>
  );
}
