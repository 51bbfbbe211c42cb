import { useState } from 'react';
import { api, apiPath } from '../api/client';
import { Busy, Notice } from '../components/busy';
import { ErrorBox, PageError } from '../components/error-box';
import { Field, Select, splitList } from '../components/fields';
import { PageTitle } from '../layout';
import { useAction, useApi } from '../use-api';
import type { MountEntry } from './dashboard';
import { PluginReload } from './plugin-reload';
import { Table } from '../components/table';
import { LoadStatus } from '../components/load-status';

export interface PluginSummary {
  type: 'auth' | 'database' | 'secret';
  name: string;
  version: string;
  builtin: boolean;
  sha256?: string;
  deprecation_status?: string;
}

/** sys/plugins/catalog, pins and reload; which mounts run which plugin version. */
export function PluginsPage() {
  const catalog = useApi(() => api.read<{ detailed?: PluginSummary[] }>('sys/plugins/catalog'), []);
  const pins = useApi(() => api.read<{ pinned_versions: { type: string; name: string; version: string }[] }>('sys/plugins/pins').then((r) => r.data.pinned_versions ?? []), []);
  const mounts = useApi(async () => {
    const [secret, auth] = await Promise.all([api.read<Record<string, MountEntry>>('sys/mounts'), api.read<Record<string, MountEntry>>('sys/auth')]);
    return [...Object.entries(secret.data).map(([p, m]) => ({ path: p, ...m })), ...Object.entries(auth.data).map(([p, m]) => ({ path: `auth/${p}`, ...m }))];
  }, []);
  const [type, setType] = useState<'all' | PluginSummary['type']>('all');
  const [showBuiltin, setShowBuiltin] = useState(false);
  const [notice, setNotice] = useState('');
  const action = useAction();
  const reloadAll = () => (catalog.reload(), pins.reload(), mounts.reload());
  const plugins = (catalog.data?.data.detailed ?? []).filter((p) => (type === 'all' || p.type === type) && (showBuiltin || !p.builtin));
  const pinOf = (p: PluginSummary) => pins.data?.find((x) => x.type === p.type && x.name === p.name)?.version;

  return (
    <>
      <PageTitle>Plugins</PageTitle>
      {notice ? <Notice>{notice}</Notice> : null}
      <RegisterForm onDone={(msg) => (setNotice(msg), reloadAll())} />
      <section aria-labelledby="cat-h">
        <h2 id="cat-h">Catalog</h2>
        <div className="row">
          <Select label="Type" value={type} onChange={(v) => setType(v as typeof type)} options={['all', 'secret', 'auth', 'database'].map((t) => ({ value: t, label: t }))} />
          <div className="field field-check">
            <input id="show-builtin" type="checkbox" checked={showBuiltin} onChange={(e) => setShowBuiltin(e.target.checked)} />
            <label htmlFor="show-builtin">Show built-in plugins</label>
          </div>
        </div>
        <LoadStatus loaded={catalog} />
        <ErrorBox error={action.error} onDismiss={action.clear} />
        {catalog.data ? (
          <Table caption="Plugins in the catalog" columns={['Name', 'Type', 'Version', 'Kind', 'Status', 'SHA-256', 'Actions']}>
            {plugins.map((p) => {
              const pinned = pinOf(p);
              return (
                <tr key={`${p.type}/${p.name}/${p.version}`}>
                  <td>{p.name}</td>
                  <td>{p.type}</td>
                  <td>
                    {p.version || '(unversioned)'}
                    {pinned !== undefined && pinned === p.version ? <span className="badge">pinned</span> : null}
                  </td>
                  <td>{p.builtin ? 'built-in' : 'external'}</td>
                  <td>{p.deprecation_status ?? '—'}</td>
                  <td>{p.sha256 ? <code title={p.sha256}>{p.sha256.slice(0, 12)}…</code> : '—'}</td>
                  <td className="actions">
                    {!p.builtin && p.version && pinned !== p.version ? (
                      <button type="button" className="small" aria-label={`Pin ${p.name} to ${p.version}`} onClick={() => void action.run(async () => (await api.write(apiPath('sys/plugins/pins', p.type, p.name), { version: p.version }), setNotice(`${p.name} pinned to ${p.version}.`), reloadAll()))}>
                        Pin
                      </button>
                    ) : null}
                    {pinned === p.version && p.version ? (
                      <button type="button" className="small" aria-label={`Unpin ${p.name}`} onClick={() => void action.run(async () => (await api.remove(apiPath('sys/plugins/pins', p.type, p.name)), setNotice(`${p.name} unpinned.`), reloadAll()))}>
                        Unpin
                      </button>
                    ) : null}
                    {!p.builtin ? (
                      <button type="button" className="small danger" aria-label={`Remove ${p.name} ${p.version} from the catalog`} onClick={() => void action.run(async () => (await api.remove(apiPath('sys/plugins/catalog', p.type, p.name), { version: p.version || undefined }), setNotice(`${p.name} ${p.version} removed from the catalog.`), reloadAll()))}>
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
            {plugins.length === 0 ? (
              <tr>
                <td colSpan={7}>No {showBuiltin ? '' : 'external '}plugins of this type. Register one above.</td>
              </tr>
            ) : null}
          </Table>
        ) : null}
      </section>
      <PluginReload plugins={[...new Set((catalog.data?.data.detailed ?? []).filter((p) => !p.builtin).map((p) => p.name))]} mounts={mounts.data?.map((m) => m.path) ?? []} onDone={() => mounts.reload()} />
      <section aria-labelledby="running-h">
        <h2 id="running-h">Mounts and the plugin versions they run</h2>
        {mounts.error ? <PageError error={mounts.error} /> : null}
        {mounts.data ? (
          <Table caption="Mounts and their running plugin" columns={['Mount', 'Plugin', 'Configured version', 'Running version', 'Running SHA-256']}>
            {mounts.data.map((m) => (
              <tr key={m.path}>
                <td>{m.path}</td>
                <td>{m.type}</td>
                <td>{m.plugin_version || '—'}</td>
                <td>{m.running_plugin_version || '—'}</td>
                <td>{m.running_sha256 ? <code title={m.running_sha256}>{m.running_sha256.slice(0, 12)}…</code> : '—'}</td>
              </tr>
            ))}
          </Table>
        ) : null}
      </section>
    </>
  );
}

/** Register a plugin binary that an operator has placed in plugin_directory and checksummed. */
function RegisterForm({ onDone }: { onDone: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const [type, setType] = useState('secret');
  const [name, setName] = useState('');
  const [command, setCommand] = useState('');
  const [sha256, setSha256] = useState('');
  const [version, setVersion] = useState('');
  const [args, setArgs] = useState('');
  const [env, setEnv] = useState('');
  const action = useAction();
  return (
    <section aria-labelledby="reg-h">
      <h2 id="reg-h">
        <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
          Register a plugin
        </button>
      </h2>
      {open ? (
        <form
          className="panel"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              await api.write(apiPath('sys/plugins/catalog', type, name), { sha256, command: command || name, ...(version ? { version } : {}), args: splitList(args), env: splitList(env) });
              onDone(`Registered ${type} plugin ${name}${version ? ` ${version}` : ''}.`);
            });
          }}
        >
          <p className="muted">
            First copy the plugin executable into the server&apos;s plugin_directory and compute its checksum there (<code>sha256sum FILE</code>). The server refuses to run a binary whose checksum differs.
          </p>
          <Select label="Plugin type" value={type} onChange={setType} options={['secret', 'auth', 'database'].map((t) => ({ value: t, label: t }))} />
          <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required />
          <Field label="Command" value={command} onChange={(e) => setCommand(e.target.value)} hint="The file name inside plugin_directory; defaults to the name." />
          <Field label="SHA-256" value={sha256} onChange={(e) => setSha256(e.target.value.trim())} required pattern="[0-9a-fA-F]{64}" title="64 hexadecimal characters" />
          <Field label="Version" value={version} onChange={(e) => setVersion(e.target.value)} placeholder="v1.0.0" hint="Semantic version; several versions of one plugin may be registered." />
          <Field label="Arguments" value={args} onChange={(e) => setArgs(e.target.value)} hint="Comma-separated." />
          <Field label="Environment" value={env} onChange={(e) => setEnv(e.target.value)} hint="Comma-separated KEY=value pairs." />
          <button type="submit" className="primary" disabled={action.busy}>
            Register
          </button>
          {action.busy ? <Busy label="Registering…" /> : null}
          <ErrorBox error={action.error} />
        </form>
      ) : null}
    </section>
  );
}
