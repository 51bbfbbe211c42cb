import { useState } from 'react';
import { api, apiPath } from '../api/client';
import { Notice } from '../components/busy';
import { ErrorBox } from '../components/error-box';
import { Field, Select } from '../components/fields';
import { TypedConfirm } from '../components/typed-confirm';
import { Link } from '../router';
import { useAction, useApi } from '../use-api';
import type { MountEntry } from './dashboard';
import { TuneForm } from './engines';
import { Table } from '../components/table';
import { LoadStatus } from '../components/load-status';
import { MountActions } from '../components/mount-actions';

/** sys/auth: enable, tune and disable auth methods. */
export function AccessMethods() {
  const methods = useApi(() => api.read<Record<string, MountEntry>>('sys/auth'), []);
  const [type, setType] = useState('userpass');
  const [path, setPath] = useState('');
  const [description, setDescription] = useState('');
  const [tuning, setTuning] = useState<string | undefined>();
  const [disabling, setDisabling] = useState<string | undefined>();
  const [notice, setNotice] = useState('');
  const action = useAction();
  const enable = (e: React.FormEvent) => {
    e.preventDefault();
    const at = (path || type).replace(/^\/+|\/+$/g, '');
    void action.run(async () => {
      await api.write(apiPath('sys/auth', at), { type, description });
      setNotice(`Enabled ${type} at auth/${at}/`);
      methods.reload();
    });
  };
  return (
    <section aria-label="Auth methods">
      {notice ? <Notice>{notice}</Notice> : null}
      <form className="panel row" onSubmit={enable} aria-label="Enable an auth method">
        <Select label="Type" value={type} onChange={setType} options={['userpass', 'approle', 'ldap', 'cert', 'jwt', 'oidc', 'kubernetes'].map((t) => ({ value: t, label: t }))} />
        <Field label="Path" value={path} onChange={(e) => setPath(e.target.value)} placeholder={type} />
        <Field label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
        <button type="submit" className="primary" disabled={action.busy}>
          Enable method
        </button>
      </form>
      <ErrorBox error={action.error} onDismiss={action.clear} />
      <LoadStatus loaded={methods} />
      {methods.data ? (
        <Table caption="Auth methods" columns={['Path', 'Type', 'Accessor', 'Actions']}>
          {Object.entries(methods.data.data).map(([p, m]) => (
            <tr key={p}>
              <td>
                {m.type === 'userpass' || m.type === 'approle' ? <Link to={`access/${m.type}/${p.replace(/\/$/, '')}`}>auth/{p}</Link> : <code>auth/{p}</code>}
              </td>
              <td>{m.type}</td>
              <td>
                <code>{m.accessor}</code>
              </td>
              <td className="actions">
                {m.type === 'token' ? (
                  <span className="muted">built in</span>
                ) : (
                  <MountActions label={`auth/${p}`} onTune={() => setTuning(p)} onDisable={() => setDisabling(p)} />
                )}
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
      {tuning && methods.data?.data[tuning] ? <TuneForm prefix="sys/auth" path={tuning} mount={methods.data.data[tuning]!} onDone={() => (setTuning(undefined), methods.reload())} /> : null}
      {disabling ? (
        <TypedConfirm
          word={disabling.replace(/\/$/, '')}
          action={`Disable auth/${disabling}`}
          warning="Disabling an auth method revokes every token it issued and erases its users, roles and settings."
          busy={action.busy}
          onCancel={() => setDisabling(undefined)}
          onConfirm={() =>
            void action.run(async () => {
              await api.remove(apiPath('sys/auth', disabling.replace(/\/$/, '')));
              setDisabling(undefined);
              setNotice(`Disabled auth/${disabling}`);
              methods.reload();
            })
          }
        />
      ) : null}
    </section>
  );
}
