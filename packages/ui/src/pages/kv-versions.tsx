import { useState } from 'react';
import { api, apiPath } from '../api/client';
import { Busy } from '../components/busy';
import { ErrorBox } from '../components/error-box';
import { Select } from '../components/fields';
import { LineDiff } from '../components/line-diff';
import { TypedConfirm } from '../components/typed-confirm';
import { useAction } from '../use-api';
import type { KvMount } from './kv';
import type { KvMetadata } from './kv-metadata';
import { readKv } from './kv-secret';
import { Table } from '../components/table';

/** Stable text for a diff: keys sorted, one per line, values as JSON. */
function diffText(data: Record<string, unknown> | null | undefined): string {
  if (!data) return '(no data: deleted or destroyed)\n';
  return (
    Object.keys(data)
      .sort()
      .map((k) => `${k}: ${JSON.stringify(data[k])}`)
      .join('\n') + '\n'
  );
}

/** The versions of a KV v2 secret: delete / undelete / destroy each, and diff any two. */
export function KvVersions({ kv, path, metadata, onChange }: { kv: KvMount; path: string; metadata: KvMetadata; onChange: (message: string) => void }) {
  const versions = Object.entries(metadata.versions)
    .map(([v, info]) => ({ version: Number(v), ...info }))
    .sort((a, b) => b.version - a.version);
  const [from, setFrom] = useState(String(versions[1]?.version ?? versions[0]?.version ?? ''));
  const [to, setTo] = useState(String(versions[0]?.version ?? ''));
  const [diff, setDiff] = useState<{ before: string; after: string; from: string; to: string } | undefined>();
  const [destroying, setDestroying] = useState<number | undefined>();
  const action = useAction();
  const compare = useAction();

  const act = (verb: 'delete' | 'undelete' | 'destroy', version: number) =>
    void action.run(async () => {
      await api.write(apiPath(kv.mount, verb, path), { versions: [version] });
      setDestroying(undefined);
      onChange(`Version ${version}: ${verb === 'delete' ? 'deleted' : verb === 'undelete' ? 'undeleted' : 'destroyed'}.`);
    });

  const runDiff = (e: React.FormEvent) => {
    e.preventDefault();
    void compare.run(async () => {
      const [a, b] = await Promise.all([readKv(kv, path, Number(from)), readKv(kv, path, Number(to))]);
      setDiff({ before: diffText(a?.data), after: diffText(b?.data), from, to });
    });
  };

  const options = versions.map((v) => ({ value: String(v.version), label: `Version ${v.version}${v.destroyed ? ' (destroyed)' : v.deletion_time ? ' (deleted)' : ''}` }));
  return (
    <section aria-label="Versions">
      <Table caption={`Versions of ${path}`} columns={['Version', 'Created', 'State', 'Actions']}>
        {versions.map((v) => (
          <tr key={v.version}>
            <td>
              {v.version}
              {v.version === metadata.current_version ? ' (current)' : ''}
            </td>
            <td>{v.created_time}</td>
            <td>{v.destroyed ? 'Destroyed' : v.deletion_time ? `Deleted ${v.deletion_time}` : 'Active'}</td>
            <td className="actions">
              {!v.destroyed && !v.deletion_time ? (
                <button type="button" className="small" onClick={() => act('delete', v.version)} aria-label={`Delete version ${v.version}`}>
                  Delete
                </button>
              ) : null}
              {!v.destroyed && v.deletion_time ? (
                <button type="button" className="small" onClick={() => act('undelete', v.version)} aria-label={`Undelete version ${v.version}`}>
                  Undelete
                </button>
              ) : null}
              {!v.destroyed ? (
                <button type="button" className="small danger" onClick={() => setDestroying(v.version)} aria-label={`Destroy version ${v.version}`}>
                  Destroy
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </Table>
      {destroying !== undefined ? (
        <TypedConfirm word={String(destroying)} action={`Destroy version ${destroying}`} warning="Destroying erases this version's data for good; unlike delete, it cannot be undone." busy={action.busy} onConfirm={() => act('destroy', destroying)} onCancel={() => setDestroying(undefined)} />
      ) : null}
      <ErrorBox error={action.error} onDismiss={action.clear} />
      {versions.length > 1 ? (
        <form className="panel row" onSubmit={runDiff} aria-label="Compare versions">
          <Select label="Compare version" value={from} onChange={setFrom} options={options} />
          <Select label="with version" value={to} onChange={setTo} options={options} />
          <button type="submit" className="primary" disabled={compare.busy}>
            Show differences
          </button>
        </form>
      ) : (
        <p className="muted">Save a second version to compare versions.</p>
      )}
      {compare.busy ? <Busy label="Reading both versions…" /> : null}
      <ErrorBox error={compare.error} />
      {diff ? <LineDiff before={diff.before} after={diff.after} beforeLabel={`version ${diff.from}`} afterLabel={`version ${diff.to}`} /> : null}
    </section>
  );
}
