import { useState } from 'react';
import { api, apiPath } from '../api/client';
import { Notice } from '../components/busy';
import { ErrorBox, PageError } from '../components/error-box';
import { Field, splitList } from '../components/fields';
import { OneTime } from '../components/secret-value';
import { useAction, useApi } from '../use-api';
import { LoadStatus } from '../components/load-status';

/** auth/<mount>/role: roles, their role IDs, and secret IDs (shown once when generated). */
export function AccessApprole({ mount }: { mount: string }) {
  const roles = useApi(() => api.list(apiPath('auth', mount, 'role')), [mount]);
  const [name, setName] = useState('');
  const [policies, setPolicies] = useState('');
  const [secretIdTtl, setSecretIdTtl] = useState('');
  const [selected, setSelected] = useState<string | undefined>();
  const [notice, setNotice] = useState('');
  const action = useAction();
  return (
    <section aria-label={`Roles of auth/${mount}`}>
      <h2>Roles of auth/{mount}/</h2>
      {notice ? <Notice>{notice}</Notice> : null}
      <form
        className="panel"
        aria-label="Create or update a role"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api.write(apiPath('auth', mount, 'role', name), { token_policies: splitList(policies), ...(secretIdTtl ? { secret_id_ttl: secretIdTtl } : {}) });
            setNotice(`Role ${name} saved.`);
            roles.reload();
          });
        }}
      >
        <Field label="Role name" value={name} onChange={(e) => setName(e.target.value)} required />
        <Field label="Policies" value={policies} onChange={(e) => setPolicies(e.target.value)} hint="Comma-separated." />
        <Field label="Secret ID TTL" value={secretIdTtl} onChange={(e) => setSecretIdTtl(e.target.value)} placeholder="e.g. 24h" />
        <button type="submit" className="primary" disabled={action.busy}>
          Save role
        </button>
      </form>
      <ErrorBox error={action.error} onDismiss={action.clear} />
      <LoadStatus loaded={roles} />
      {roles.data ? (
        <ul className="listing" aria-label="Roles">
          {roles.data.map((r) => (
            <li key={r}>
              <button type="button" className="link-button" aria-expanded={selected === r} onClick={() => setSelected(selected === r ? undefined : r)}>
                {r}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {selected ? <RoleDetail mount={mount} role={selected} /> : null}
    </section>
  );
}

function RoleDetail({ mount, role }: { mount: string; role: string }) {
  const roleId = useApi(() => api.read<{ role_id: string }>(apiPath('auth', mount, 'role', role, 'role-id')), [mount, role]);
  const accessors = useApi(() => api.list(apiPath('auth', mount, 'role', role, 'secret-id')), [mount, role]);
  const [secretId, setSecretId] = useState<{ secret_id: string; secret_id_accessor: string } | undefined>();
  const action = useAction();
  return (
    <div className="panel" aria-label={`Role ${role}`}>
      <h3>Role {role}</h3>
      {roleId.data ? <OneTime label="Role ID" value={roleId.data.data.role_id} /> : <PageError error={roleId.error} />}
      <button
        type="button"
        className="primary"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            const res = await api.write<{ secret_id: string; secret_id_accessor: string }>(apiPath('auth', mount, 'role', role, 'secret-id'), {});
            setSecretId(res.data);
            accessors.reload();
          })
        }
      >
        Generate a secret ID
      </button>
      {secretId ? (
        <div className="alert alert-warn">
          <p>This secret ID is shown once. Hand it to the application now.</p>
          <OneTime label="Secret ID" value={secretId.secret_id} />
        </div>
      ) : null}
      <ErrorBox error={action.error} />
      <h4>Secret ID accessors</h4>
      {accessors.data ? (
        accessors.data.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul className="listing">
            {accessors.data.map((a) => (
              <li key={a}>
                <code>{a}</code>{' '}
                <button
                  type="button"
                  className="small danger"
                  aria-label={`Destroy secret ID ${a}`}
                  onClick={() =>
                    void action.run(async () => {
                      await api.write(apiPath('auth', mount, 'role', role, 'secret-id-accessor/destroy'), { secret_id_accessor: a });
                      accessors.reload();
                    })
                  }
                >
                  Destroy
                </button>
              </li>
            ))}
          </ul>
        )
      ) : (
        <PageError error={accessors.error} />
      )}
    </div>
  );
}
