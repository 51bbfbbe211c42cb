import { api } from '../api/client';
import type { SealStatus } from '../app';
import { Busy } from '../components/busy';
import { PageError } from '../components/error-box';
import { PageTitle } from '../layout';
import { Link } from '../router';
import { useApi } from '../use-api';
import { MetricsPanel } from './metrics-panel';
import { Table } from '../components/table';

export interface MountEntry {
  type: string;
  description: string;
  accessor: string;
  local?: boolean;
  seal_wrap?: boolean;
  options?: Record<string, string> | null;
  config?: { default_lease_ttl?: number; max_lease_ttl?: number };
  plugin_version?: string;
  running_plugin_version?: string;
  running_sha256?: string;
}

export function DashboardPage({ seal }: { seal: SealStatus }) {
  const self = useApi(() => api.read<{ display_name: string; policies: string[]; ttl: number }>('auth/token/lookup-self'), []);
  const leader = useApi(() => api.read('sys/leader').catch(() => undefined), []);
  const mounts = useApi(() => api.read<Record<string, MountEntry>>('sys/mounts'), []);
  const ha = leader.data as unknown as { ha_enabled?: boolean; is_self?: boolean; leader_address?: string } | undefined;
  return (
    <>
      <PageTitle>Dashboard</PageTitle>
      <div className="cards">
        <section className="card" aria-labelledby="seal-h">
          <h2 id="seal-h">Seal</h2>
          <dl>
            <dt>Status</dt>
            <dd>{seal.sealed ? 'Sealed' : 'Unsealed'}</dd>
            <dt>Seal type</dt>
            <dd>{seal.type}</dd>
            <dt>Threshold</dt>
            <dd>
              {seal.t} of {seal.n}
            </dd>
            <dt>Version</dt>
            <dd>{seal.version}</dd>
            <dt>Storage</dt>
            <dd>{seal.storage_type ?? '—'}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="ha-h">
          <h2 id="ha-h">High availability</h2>
          {leader.loading ? (
            <Busy />
          ) : ha ? (
            <dl>
              <dt>HA enabled</dt>
              <dd>{ha.ha_enabled ? 'Yes' : 'No'}</dd>
              {ha.ha_enabled ? (
                <>
                  <dt>This node</dt>
                  <dd>{ha.is_self ? 'Active' : 'Standby'}</dd>
                  <dt>Leader</dt>
                  <dd>{ha.leader_address || '—'}</dd>
                </>
              ) : null}
            </dl>
          ) : (
            <p className="muted">HA status is not available.</p>
          )}
        </section>
        <section className="card" aria-labelledby="me-h">
          <h2 id="me-h">Your token</h2>
          {self.error ? (
            <PageError error={self.error} />
          ) : self.data ? (
            <dl>
              <dt>Name</dt>
              <dd>{self.data.data.display_name}</dd>
              <dt>Policies</dt>
              <dd>{self.data.data.policies.join(', ')}</dd>
              <dt>TTL</dt>
              <dd>{self.data.data.ttl === 0 ? 'never expires' : `${self.data.data.ttl}s`}</dd>
            </dl>
          ) : (
            <Busy />
          )}
        </section>
      </div>
      <section aria-labelledby="mounts-h">
        <h2 id="mounts-h">Secrets engines</h2>
        {mounts.error ? (
          <PageError error={mounts.error} />
        ) : mounts.data ? (
          <Table caption="Mounted secrets engines" columns={['Path', 'Type', 'Description']}>
            {Object.entries(mounts.data.data).map(([path, m]) => (
              <tr key={path}>
                <td>{m.type === 'kv' ? <Link to={`kv/${path.replace(/\/$/, '')}/`}>{path}</Link> : path}</td>
                <td>
                  {m.type}
                  {m.options?.version ? ` v${m.options.version}` : ''}
                </td>
                <td>{m.description}</td>
              </tr>
            ))}
          </Table>
        ) : (
          <Busy />
        )}
      </section>
      <MetricsPanel />
    </>
  );
}
