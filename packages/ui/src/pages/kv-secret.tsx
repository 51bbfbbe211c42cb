import { useState } from 'react';
import { api, apiPath } from '../api/client';
import { ApiError } from '../api/errors';
import { Busy, Notice } from '../components/busy';
import { PageError } from '../components/error-box';
import { SecretValue } from '../components/secret-value';
import { TypedConfirm } from '../components/typed-confirm';
import { PageTitle } from '../layout';
import { navigate } from '../router';
import { useAction, useApi } from '../use-api';
import type { KvMount } from './kv';
import { KvEditor } from './kv-editor';
import { KvMetadataForm, type KvMetadata } from './kv-metadata';
import { KvVersions } from './kv-versions';

interface Loaded {
  data: Record<string, unknown> | null;
  version: number;
  deleted: boolean;
  destroyed: boolean;
  metadata?: KvMetadata;
}

/** Reads one version (0: the current one); null data when it was deleted or destroyed. */
export async function readKv(kv: KvMount, path: string, version = 0): Promise<Loaded | undefined> {
  try {
    if (kv.version === 1) {
      const res = await api.read(apiPath(kv.mount, path));
      return { data: res.data, version: 0, deleted: false, destroyed: false };
    }
    const res = await api.read<{ data: Record<string, unknown> | null; metadata: { version: number; deletion_time: string; destroyed: boolean } }>(apiPath(kv.mount, 'data', path), { version: version || undefined });
    return { data: res.data.data, version: res.data.metadata.version, deleted: res.data.metadata.deletion_time !== '', destroyed: res.data.metadata.destroyed };
  } catch (err) {
    // A deleted version answers 404 with its metadata in the body; treat both as "no data".
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

export function KvSecret({ kv, path, crumbs }: { kv: KvMount; path: string; crumbs: React.ReactNode }) {
  const secret = useApi(async () => {
    const current = await readKv(kv, path);
    // A token may read the data without the metadata: the page then shows the data alone.
    const metadata = kv.version === 2 ? await api.read<KvMetadata>(apiPath(kv.mount, 'metadata', path)).then((r) => r.data, (e: unknown) => (e instanceof ApiError && (e.status === 404 || e.status === 403) ? undefined : Promise.reject(e))) : undefined;
    return current || metadata ? { ...(current ?? { data: null, version: metadata!.current_version, deleted: true, destroyed: false }), metadata } : undefined;
  }, [kv.mount, path]);
  const [editing, setEditing] = useState(false);
  const [tab, setTab] = useState<'data' | 'versions' | 'metadata'>('data');
  const [notice, setNotice] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const save = useAction();
  const remove = useAction();

  if (secret.error)
    return (
      <>
        {crumbs}
        <PageError error={secret.error} />
      </>
    );
  if (secret.loading && !secret.data) return <Busy />;
  const current = secret.data;
  const exists = current !== undefined;

  const write = (data: Record<string, unknown>) =>
    void save.run(async () => {
      if (kv.version === 1) await api.write(apiPath(kv.mount, path), data);
      else {
        // Check-and-set with the version this editor started from: a concurrent save is refused instead of lost.
        const res = await api.write<{ version: number }>(apiPath(kv.mount, 'data', path), { data, options: { cas: current?.metadata?.current_version ?? current?.version ?? 0 } });
        setNotice(`Saved version ${res.data.version}.`);
      }
      if (kv.version === 1) setNotice('Saved.');
      setEditing(false);
      secret.reload();
    });

  const deleteAll = () =>
    void remove.run(async () => {
      await api.remove(kv.version === 2 ? apiPath(kv.mount, 'metadata', path) : apiPath(kv.mount, path));
      navigate(`kv/${kv.mount}${path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : ''}`);
    });

  return (
    <>
      {crumbs}
      <PageTitle>{path}</PageTitle>
      {notice ? <Notice>{notice}</Notice> : null}
      {!exists || editing ? (
        <>
          {!exists ? <p>No secret exists at this path yet. Enter its keys and values to create it.</p> : null}
          <KvEditor initial={editing && current?.data ? current.data : {}} busy={save.busy} error={save.error} onSave={write} onCancel={exists ? () => (setEditing(false), save.clear()) : undefined} saveLabel={exists ? 'Save new version' : 'Create secret'} />
          {save.error instanceof ApiError && /check-and-set parameter did not match/.test(save.error.message) ? (
            <button type="button" onClick={() => (setEditing(false), save.clear(), setNotice(''), secret.reload())}>
              Discard my changes and reload the secret
            </button>
          ) : null}
        </>
      ) : (
        <>
          {kv.version === 2 && !current.metadata ? <p className="muted">Versions and metadata are not shown: your token may not read {kv.mount}metadata/{path}.</p> : null}
          {kv.version === 2 && current.metadata ? (
            <div role="tablist" aria-label="Secret views" className="segmented">
              {(['data', 'versions', 'metadata'] as const).map((t) => (
                <button key={t} role="tab" type="button" aria-selected={tab === t} className={tab === t ? 'active' : undefined} onClick={() => setTab(t)}>
                  {t === 'data' ? 'Data' : t === 'versions' ? 'Versions' : 'Metadata'}
                </button>
              ))}
            </div>
          ) : null}
          {tab === 'data' ? (
            <section aria-label="Secret data">
              {current.data === null ? (
                <p className="alert alert-warn">Version {current.version} is {current.destroyed ? 'destroyed' : 'deleted'}. {current.destroyed ? 'Its data is gone for good.' : 'Undelete it from the Versions tab, or save a new version.'}</p>
              ) : (
                <table>
                  <caption>
                    {kv.version === 2 ? `Version ${current.version}` : 'Current value'}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Key</th>
                      <th scope="col">Value</th>
                    </tr>
                  </thead>
                  <tbody>
                    {Object.entries(current.data).map(([k, v]) => (
                      <tr key={k}>
                        <th scope="row">{k}</th>
                        <td>
                          <SecretValue name={k} value={typeof v === 'string' ? v : JSON.stringify(v)} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <div className="row">
                <button type="button" className="primary" onClick={() => (setEditing(true), setNotice(''))}>
                  {kv.version === 2 ? 'Create new version' : 'Edit'}
                </button>
                <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
                  {kv.version === 2 ? 'Delete secret and all versions' : 'Delete secret'}
                </button>
              </div>
              {confirmDelete ? (
                <TypedConfirm word={path} action="Delete permanently" warning={kv.version === 2 ? 'This removes every version and the metadata of this secret for good. To delete only the current version (and keep the ability to undelete it), use the Versions tab.' : 'KV version 1 keeps no history: the secret is gone for good.'} busy={remove.busy} onConfirm={deleteAll} onCancel={() => setConfirmDelete(false)} />
              ) : null}
              <PageError error={remove.error} />
            </section>
          ) : null}
          {tab === 'versions' && current.metadata ? <KvVersions kv={kv} path={path} metadata={current.metadata} onChange={(msg) => (setNotice(msg), secret.reload())} /> : null}
          {tab === 'metadata' && current.metadata ? <KvMetadataForm kv={kv} path={path} metadata={current.metadata} onSaved={() => (setNotice('Metadata saved.'), secret.reload())} /> : null}
        </>
      )}
    </>
  );
}
