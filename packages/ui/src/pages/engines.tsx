import { useState } from 'react';
import { api, apiPath } from '../api/client';
import { Busy, Notice } from '../components/busy';
import { ErrorBox } from '../components/error-box';
import { Field, Select, TextArea } from '../components/fields';
import { TypedConfirm } from '../components/typed-confirm';
import { PageTitle } from '../layout';
import { Link } from '../router';
import { useAction, useApi } from '../use-api';
import type { MountEntry } from './dashboard';
import { Table } from '../components/table';
import { LoadStatus } from '../components/load-status';
import { MountActions } from '../components/mount-actions';

/** sys/mounts: list, enable, tune and disable secrets engines. */
export function EnginesPage() {
  const mounts = useApi(() => api.read<Record<string, MountEntry>>('sys/mounts'), []);
  const [enabling, setEnabling] = useState(false);
  const [tuning, setTuning] = useState<string | undefined>();
  const [disabling, setDisabling] = useState<string | undefined>();
  const [notice, setNotice] = useState('');
  const action = useAction();

  const disable = (path: string) =>
    void action.run(async () => {
      await api.remove(apiPath('sys/mounts', path.replace(/\/$/, '')));
      setDisabling(undefined);
      setNotice(`Disabled ${path}`);
      mounts.reload();
    });

  return (
    <>
      <PageTitle>Secrets engines</PageTitle>
      {notice ? <Notice>{notice}</Notice> : null}
      <button type="button" className="primary" onClick={() => setEnabling(!enabling)} aria-expanded={enabling}>
        Enable a secrets engine
      </button>
      {enabling ? (
        <EnableForm
          onDone={(path) => {
            setEnabling(false);
            setNotice(`Enabled ${path}/`);
            mounts.reload();
          }}
        />
      ) : null}
      <ErrorBox error={action.error} onDismiss={action.clear} />
      <LoadStatus loaded={mounts} />
      {mounts.data ? (
        <Table caption="Secrets engines" columns={['Path', 'Type', 'Plugin version', 'Description', 'Actions']}>
          {Object.entries(mounts.data.data).map(([path, m]) => {
            const system = ['sys/', 'cubbyhole/', 'identity/'].includes(path);
            return (
              <tr key={path}>
                <td>{m.type === 'kv' ? <Link to={`kv/${path.replace(/\/$/, '')}/`}>{path}</Link> : <code>{path}</code>}</td>
                <td>
                  {m.type}
                  {m.options?.version ? ` v${m.options.version}` : ''}
                </td>
                <td>{m.running_plugin_version || m.plugin_version || '—'}</td>
                <td>{m.description}</td>
                <td className="actions">
                  {system ? (
                    <span className="muted">built in</span>
                  ) : (
                    <MountActions label={path} onTune={() => setTuning(tuning === path ? undefined : path)} onDisable={() => setDisabling(path)} />
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
      ) : null}
      {tuning && mounts.data?.data[tuning] ? <TuneForm path={tuning} mount={mounts.data.data[tuning]!} onDone={() => (setTuning(undefined), mounts.reload())} /> : null}
      {disabling ? (
        <TypedConfirm
          word={disabling.replace(/\/$/, '')}
          action={`Disable ${disabling}`}
          warning="Disabling a secrets engine revokes its leases and permanently erases everything stored in it. This cannot be undone."
          busy={action.busy}
          onConfirm={() => disable(disabling)}
          onCancel={() => setDisabling(undefined)}
        />
      ) : null}
    </>
  );
}

const TYPES = ['kv', 'kv-v1', 'transit', 'pki', 'ssh', 'totp', 'database', 'cubbyhole'];

function EnableForm({ onDone }: { onDone: (path: string) => void }) {
  const [type, setType] = useState('kv');
  const [custom, setCustom] = useState('');
  const [path, setPath] = useState('');
  const [description, setDescription] = useState('');
  const [pluginVersion, setPluginVersion] = useState('');
  const [defaultTtl, setDefaultTtl] = useState('');
  const [maxTtl, setMaxTtl] = useState('');
  const [optionsText, setOptionsText] = useState('');
  const action = useAction();
  const realType = type === 'other' ? custom : type === 'kv-v1' ? 'kv' : type;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const mountPath = (path || realType).replace(/^\/+|\/+$/g, '');
    void action.run(async () => {
      const options: Record<string, string> = {};
      for (const line of optionsText.split('\n')) {
        if (!line.trim()) continue;
        const eq = line.indexOf('=');
        if (eq <= 0) throw new Error(`Options: "${line}" is not key=value; write one key=value pair per line.`);
        options[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      }
      if (type === 'kv') options.version = '2';
      if (type === 'kv-v1') options.version = '1';
      await api.write(apiPath('sys/mounts', mountPath), {
        type: realType,
        description,
        ...(pluginVersion ? { plugin_version: pluginVersion } : {}),
        ...(Object.keys(options).length > 0 ? { options } : {}),
        config: { ...(defaultTtl ? { default_lease_ttl: defaultTtl } : {}), ...(maxTtl ? { max_lease_ttl: maxTtl } : {}) },
      });
      onDone(mountPath);
    });
  };
  return (
    <form className="panel" onSubmit={submit} aria-label="Enable a secrets engine">
      <Select
        label="Type"
        value={type}
        onChange={setType}
        options={[...TYPES.map((t) => ({ value: t, label: t === 'kv' ? 'kv (version 2)' : t === 'kv-v1' ? 'kv (version 1)' : t })), { value: 'other', label: 'Other (a registered plugin)…' }]}
      />
      {type === 'other' ? <Field label="Plugin name" value={custom} onChange={(e) => setCustom(e.target.value)} required hint="The name in the plugin catalog." /> : null}
      <Field label="Path" value={path} onChange={(e) => setPath(e.target.value)} placeholder={realType} hint="Where it is mounted; defaults to the type." />
      <Field label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <Field label="Plugin version" value={pluginVersion} onChange={(e) => setPluginVersion(e.target.value)} hint="Leave empty for the pinned or built-in version." />
      <Field label="Default lease TTL" value={defaultTtl} onChange={(e) => setDefaultTtl(e.target.value)} placeholder="e.g. 1h" />
      <Field label="Max lease TTL" value={maxTtl} onChange={(e) => setMaxTtl(e.target.value)} placeholder="e.g. 24h" />
      <TextArea label="Options" value={optionsText} onChange={setOptionsText} rows={2} hint="Engine options, one key=value per line (the KV version is set by the type above)." />
      <button type="submit" className="primary" disabled={action.busy}>
        Enable
      </button>
      {action.busy ? <Busy label="Enabling…" /> : null}
      <ErrorBox error={action.error} />
    </form>
  );
}

/** sys/mounts/<path>/tune (also used for auth mounts with the auth/ prefix). */
export function TuneForm({ path, mount, onDone, prefix = 'sys/mounts' }: { path: string; mount: MountEntry; onDone: () => void; prefix?: string }) {
  const [description, setDescription] = useState(mount.description);
  const [defaultTtl, setDefaultTtl] = useState(String(mount.config?.default_lease_ttl ?? ''));
  const [maxTtl, setMaxTtl] = useState(String(mount.config?.max_lease_ttl ?? ''));
  const [pluginVersion, setPluginVersion] = useState(mount.plugin_version ?? '');
  const action = useAction();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.write(`${prefix}/${apiPath(path.replace(/\/$/, ''))}/tune`, {
        description,
        default_lease_ttl: defaultTtl,
        max_lease_ttl: maxTtl,
        ...(pluginVersion !== (mount.plugin_version ?? '') ? { plugin_version: pluginVersion } : {}),
      });
      onDone();
    });
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={`Tune ${path}`}>
      <h2>Tune {path}</h2>
      <Field label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <Field label="Default lease TTL" value={defaultTtl} onChange={(e) => setDefaultTtl(e.target.value)} hint="Seconds or a duration such as 1h; 0 uses the system default." />
      <Field label="Max lease TTL" value={maxTtl} onChange={(e) => setMaxTtl(e.target.value)} />
      <Field label="Plugin version" value={pluginVersion} onChange={(e) => setPluginVersion(e.target.value)} hint="A change takes effect after a plugin reload." />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ErrorBox error={action.error} />
    </form>
  );
}
