import { useState } from 'react';
import { api, apiPath } from '../api/client';
import { Notice } from '../components/busy';
import { ErrorBox } from '../components/error-box';
import { Field, splitList } from '../components/fields';
import { useAction, useApi } from '../use-api';
import { LoadStatus } from '../components/load-status';

/** auth/<mount>/users: create, change and delete userpass users. */
export function AccessUserpass({ mount }: { mount: string }) {
  const users = useApi(() => api.list(apiPath('auth', mount, 'users')), [mount]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [policies, setPolicies] = useState('');
  const [notice, setNotice] = useState('');
  const action = useAction();
  return (
    <section aria-label={`Users of auth/${mount}`}>
      <h2>Users of auth/{mount}/</h2>
      {notice ? <Notice>{notice}</Notice> : null}
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api.write(apiPath('auth', mount, 'users', name), { password, token_policies: splitList(policies) });
            setNotice(`User ${name} saved.`);
            setPassword('');
            users.reload();
          });
        }}
        aria-label="Create or update a user"
      >
        <Field label="Username" value={name} onChange={(e) => setName(e.target.value)} required />
        <Field label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" />
        <Field label="Policies" value={policies} onChange={(e) => setPolicies(e.target.value)} hint="Comma-separated." />
        <button type="submit" className="primary" disabled={action.busy}>
          Save user
        </button>
      </form>
      <ErrorBox error={action.error} onDismiss={action.clear} />
      <LoadStatus loaded={users} />
      {users.data ? (
        users.data.length === 0 ? (
          <p>No users yet.</p>
        ) : (
          <ul className="listing" aria-label="Users">
            {users.data.map((u) => (
              <li key={u}>
                {u}{' '}
                <button
                  type="button"
                  className="small danger"
                  aria-label={`Delete user ${u}`}
                  onClick={() =>
                    void action.run(async () => {
                      await api.remove(apiPath('auth', mount, 'users', u));
                      setNotice(`User ${u} deleted.`);
                      users.reload();
                    })
                  }
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
