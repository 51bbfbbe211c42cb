import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { Busy } from '../components/busy';
import { ErrorBox } from '../components/error-box';
import { Checkbox, Field, Select, splitList } from '../components/fields';
import { useAction } from '../use-api';

interface ReloadStatus {
  reload_id: string;
  timestamp: string;
  results: Record<string, { timestamp: string; error: string }>;
}

/** sys/plugins/reload/backend, then live per-node results from its status endpoint. */
export function PluginReload({ plugins, mounts, onDone }: { plugins: string[]; mounts: string[]; onDone: () => void }) {
  const [by, setBy] = useState<'plugin' | 'mounts'>('plugin');
  const [plugin, setPlugin] = useState('');
  const [mountList, setMountList] = useState('');
  const [global, setGlobal] = useState(false);
  const [reloadId, setReloadId] = useState<string | undefined>();
  const [status, setStatus] = useState<ReloadStatus | undefined>();
  const [warnings, setWarnings] = useState<string[]>([]);
  const action = useAction();
  const chosenPlugin = plugin || plugins[0] || '';

  // Polls the status for a few seconds: other nodes report as they apply a global reload.
  useEffect(() => {
    if (!reloadId) return;
    let live = true;
    let rounds = 0;
    const poll = async () => {
      try {
        const res = await api.read<ReloadStatus>('sys/plugins/reload/backend/status', { reload_id: reloadId });
        if (live) setStatus(res.data);
      } catch {
        // the status may not be written yet
      }
      if (live && ++rounds < 10) timer = setTimeout(poll, 1000);
    };
    let timer = setTimeout(poll, 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [reloadId]);

  return (
    <section aria-labelledby="reload-h" className="panel">
      <h2 id="reload-h">Reload</h2>
      <p className="muted">A reload starts new plugin processes; requests already running finish on the old ones, so nothing is dropped.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setStatus(undefined);
          setReloadId(undefined);
          void action.run(async () => {
            const body = { ...(by === 'plugin' ? { plugin: chosenPlugin } : { mounts: splitList(mountList) }), ...(global ? { scope: 'global' } : {}) };
            const res = await api.write<{ reload_id: string }>('sys/plugins/reload/backend', body);
            setWarnings(res.warnings ?? []);
            setReloadId(res.data.reload_id);
            onDone();
          });
        }}
      >
        <Select
          label="Reload"
          value={by}
          onChange={(v) => setBy(v as typeof by)}
          options={[
            { value: 'plugin', label: 'Every mount of a plugin' },
            { value: 'mounts', label: 'Mounts by path' },
          ]}
        />
        {by === 'plugin' ? (
          plugins.length > 0 ? (
            <Select label="Plugin" value={chosenPlugin} onChange={setPlugin} options={plugins.map((p) => ({ value: p, label: p }))} />
          ) : (
            <Field label="Plugin" value={plugin} onChange={(e) => setPlugin(e.target.value)} required />
          )
        ) : (
          <Field label="Mount paths" value={mountList} onChange={(e) => setMountList(e.target.value)} hint={`Comma-separated, e.g. ${mounts.slice(0, 2).join(', ') || 'kv/'}`} required />
        )}
        <Checkbox label="On every node of the cluster (scope=global)" checked={global} onChange={setGlobal} />
        <button type="submit" className="primary" disabled={action.busy}>
          Reload
        </button>
      </form>
      {action.busy ? <Busy label="Reloading…" /> : null}
      <ErrorBox error={action.error} />
      {warnings.map((w) => (
        <p key={w} className="alert alert-warn">
          {w}
        </p>
      ))}
      {reloadId ? (
        <div role="status" aria-live="polite">
          <p>
            Reload <code>{reloadId}</code>
            {status ? ` requested ${status.timestamp}` : ''}
          </p>
          {status ? (
            <table>
              <caption>Per-node results</caption>
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">Finished</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(status.results).map(([node, r]) => (
                  <tr key={node}>
                    <td>{node}</td>
                    <td>{r.timestamp}</td>
                    <td>{r.error ? `Failed: ${r.error}` : 'Reloaded'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Busy label="Waiting for node results…" />
          )}
        </div>
      ) : null}
    </section>
  );
}
