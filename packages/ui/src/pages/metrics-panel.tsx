import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/errors';
import { ErrorBox } from '../components/error-box';
import { Table } from '../components/table';
import { requestSummary, routeSamples, type MetricsJson, type MetricsReading } from './metrics-summary';

/** How often the panel reads sys/metrics again, so the rate has two readings to compare. */
const POLL_MS = 3000;

type PanelState = { kind: 'loading' } | { kind: 'absent' } | { kind: 'error'; error: unknown } | { kind: 'ready'; current: MetricsReading; previous?: MetricsReading };

/**
 * Request rate and latency from sys/metrics (Vault's JSON format: the
 * vault.core.handle_request and vault.route.* timers, in milliseconds).
 * Servers without sys/metrics get a short note instead.
 */
export function MetricsPanel() {
  const [state, setState] = useState<PanelState>({ kind: 'loading' });
  const last = useRef<MetricsReading | undefined>(undefined);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        // No format parameter: empty means JSON (Vault rejects any other value than "prometheus").
        const json = (await api.read('sys/metrics')) as unknown as MetricsJson;
        if (!live) return;
        const current = { json, takenAtMs: Date.now() };
        const previous = last.current;
        last.current = current;
        setState({ kind: 'ready', current, previous });
        timer = setTimeout(() => void poll(), POLL_MS);
      } catch (err) {
        if (!live) return;
        if (err instanceof ApiError && (err.status === 404 || err.status === 405)) setState({ kind: 'absent' });
        else setState({ kind: 'error', error: err });
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  if (state.kind === 'loading') return null;
  return (
    <section aria-labelledby="metrics-h">
      <h2 id="metrics-h">Requests</h2>
      {state.kind === 'error' ? (
        <ErrorBox error={state.error} />
      ) : state.kind === 'absent' ? (
        <p className="muted">This server does not publish sys/metrics, so no request rate or latency is shown.</p>
      ) : (
        <MetricsTables current={state.current} previous={state.previous} />
      )}
    </section>
  );
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

function MetricsTables({ current, previous }: { current: MetricsReading; previous: MetricsReading | undefined }) {
  const summary = requestSummary(current, previous);
  if (!summary) return <p className="muted">No request has been measured yet.</p>;
  const routes = routeSamples(current.json);
  return (
    <>
      <dl className="metrics-summary" aria-label="Request summary">
        <div>
          <dt>Requests</dt>
          <dd>{summary.requests}</dd>
        </div>
        <div>
          <dt>Request rate</dt>
          <dd>{summary.ratePerSecond === undefined ? 'measuring…' : `${summary.ratePerSecond.toFixed(2)} /s`}</dd>
        </div>
        <div>
          <dt>Mean latency</dt>
          <dd>{ms(summary.meanMs)}</dd>
        </div>
        <div>
          <dt>Max latency</dt>
          <dd>{ms(summary.maxMs)}</dd>
        </div>
      </dl>
      {routes.length > 0 && (
        <Table caption="Requests by route" columns={['Route', 'Requests', 'Mean', 'Max']}>
          {routes.map((route) => (
            <tr key={route.Name}>
              <td>{route.Name.slice('vault.route.'.length)}</td>
              <td>{route.Count}</td>
              <td>{ms(route.Mean)}</td>
              <td>{ms(route.Max)}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
