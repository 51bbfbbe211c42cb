import { useState } from 'react';
import { api, apiPath } from '../api/client';
import { Busy } from '../components/busy';
import { PageError } from '../components/error-box';
import { Field } from '../components/fields';
import { PageTitle } from '../layout';
import { Link, navigate } from '../router';
import { useApi } from '../use-api';
import { KvSecret } from './kv-secret';
import { LoadStatus } from '../components/load-status';

export interface KvMount {
  /** Mount path with its trailing slash, e.g. "secret/". */
  mount: string;
  version: 1 | 2;
}

/** The KV browser: the route is kv/<mount>/<path>; a path ending in "/" (or empty) is a folder. */
export function KvPage({ full }: { full: string }) {
  const info = useApi(async () => {
    const res = await api.read<{ path: string; type: string; options?: Record<string, string> | null }>(apiPath('sys/internal/ui/mounts', full.replace(/\/$/, '')));
    return { mount: res.data.path, version: res.data.options?.version === '2' ? 2 : 1, type: res.data.type } as KvMount & { type: string };
  }, [full]);
  if (info.error) return <PageError error={info.error} />;
  if (!info.data) return <Busy />;
  const { mount } = info.data;
  const path = full.slice(mount.length);
  const crumbs = <Breadcrumbs mount={mount} path={path} />;
  if (path === '' || path.endsWith('/')) return <KvFolder kv={info.data} path={path} crumbs={crumbs} />;
  return <KvSecret kv={info.data} path={path} crumbs={crumbs} />;
}

function Breadcrumbs({ mount, path }: { mount: string; path: string }) {
  const parts = path.split('/').filter(Boolean);
  return (
    <nav aria-label="Breadcrumb" className="crumbs">
      <ol>
        <li>
          <Link to="secrets">Secrets engines</Link>
        </li>
        <li>
          <Link to={`kv/${mount}`}>{mount}</Link>
        </li>
        {parts.map((p, i) => {
          const last = i === parts.length - 1;
          const to = `kv/${mount}${parts.slice(0, i + 1).join('/')}${last && !path.endsWith('/') ? '' : '/'}`;
          return (
            <li key={i}>
              <Link to={to} aria-current={last ? 'page' : undefined}>
                {p}
              </Link>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function KvFolder({ kv, path, crumbs }: { kv: KvMount; path: string; crumbs: React.ReactNode }) {
  const keys = useApi(() => api.list(kv.version === 2 ? apiPath(kv.mount, 'metadata', path) : apiPath(kv.mount, path)), [kv.mount, path]);
  const [newPath, setNewPath] = useState('');
  return (
    <>
      {crumbs}
      <PageTitle>
        {kv.mount}
        {path}
      </PageTitle>
      <p className="muted">KV version {kv.version}</p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (newPath.trim()) navigate(`kv/${kv.mount}${path}${newPath.trim().replace(/^\/+/, '')}`);
        }}
      >
        <Field label="Create a secret at" value={newPath} onChange={(e) => setNewPath(e.target.value)} placeholder="app/config" hint={`Relative to ${kv.mount}${path}`} />
        <button type="submit" className="primary">
          Create
        </button>
      </form>
      <LoadStatus loaded={keys} />
      {keys.data ? (
        keys.data.length === 0 ? (
          <p>This folder is empty.</p>
        ) : (
          <ul className="listing" aria-label={`Contents of ${kv.mount}${path}`}>
            {keys.data.map((k) => (
              <li key={k}>
                <Link to={`kv/${kv.mount}${path}${k}`}>
                  <span aria-hidden="true">{k.endsWith('/') ? '📁 ' : '🔑 '}</span>
                  {k}
                </Link>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </>
  );
}
