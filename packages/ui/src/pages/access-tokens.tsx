import { useState } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/errors';
import { Notice } from '../components/busy';
import { ErrorBox } from '../components/error-box';
import { Checkbox, Field, splitList } from '../components/fields';
import { JsonView } from '../components/json-view';
import { OneTime } from '../components/secret-value';
import { useAction } from '../use-api';

/** auth/token/*: create, look up, renew and revoke tokens; list accessors. */
export function AccessTokens() {
  const [policies, setPolicies] = useState('');
  const [ttl, setTtl] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [orphan, setOrphan] = useState(false);
  const [created, setCreated] = useState<{ token: string; accessor: string } | undefined>();
  const [subject, setSubject] = useState('');
  const [byAccessor, setByAccessor] = useState(false);
  const [increment, setIncrement] = useState('');
  const [lookup, setLookup] = useState<unknown>();
  const [accessors, setAccessors] = useState<string[] | undefined>();
  const [notice, setNotice] = useState('');
  const create = useAction();
  const act = useAction();

  const target = () => (byAccessor ? { accessor: subject } : { token: subject });
  const suffix = byAccessor ? '-accessor' : '';
  return (
    <section aria-label="Tokens">
      {notice ? <Notice>{notice}</Notice> : null}
      <form
        className="panel"
        aria-label="Create a token"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run(async () => {
            const res = await api.write(orphan ? 'auth/token/create-orphan' : 'auth/token/create', { policies: splitList(policies), ...(ttl ? { ttl } : {}), ...(displayName ? { display_name: displayName } : {}) });
            setCreated({ token: res.auth!.client_token, accessor: res.auth!.accessor });
          });
        }}
      >
        <h2>Create a token</h2>
        <Field label="Policies" value={policies} onChange={(e) => setPolicies(e.target.value)} hint="Comma-separated; the default policy is added unless you create the token without it." />
        <Field label="TTL" value={ttl} onChange={(e) => setTtl(e.target.value)} placeholder="e.g. 1h" />
        <Field label="Display name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        <Checkbox label="Orphan (no parent: survives the revocation of your token)" checked={orphan} onChange={setOrphan} />
        <button type="submit" className="primary" disabled={create.busy}>
          Create token
        </button>
        <ErrorBox error={create.error} />
        {created ? (
          <div className="alert alert-warn">
            <p>This token is shown once.</p>
            <OneTime label="Token" value={created.token} />
            <OneTime label="Accessor" value={created.accessor} />
          </div>
        ) : null}
      </form>

      <form className="panel" aria-label="Manage a token" onSubmit={(e) => e.preventDefault()}>
        <h2>Look up, renew or revoke</h2>
        <Checkbox label="Use an accessor instead of the token" checked={byAccessor} onChange={setByAccessor} />
        <Field label={byAccessor ? 'Accessor' : 'Token'} type={byAccessor ? 'text' : 'password'} value={subject} onChange={(e) => setSubject(e.target.value)} hint={byAccessor ? undefined : 'Leave empty to act on your own token.'} />
        <Field label="Renew increment" value={increment} onChange={(e) => setIncrement(e.target.value)} placeholder="e.g. 1h" />
        <div className="row">
          <button
            type="button"
            onClick={() =>
              void act.run(async () => {
                const res = subject ? await api.write(`auth/token/lookup${suffix}`, target()) : await api.read('auth/token/lookup-self');
                // The token itself is not shown again: the page may be on a shared screen.
                setLookup({ ...res.data, ...('id' in res.data ? { id: '(hidden)' } : {}) });
              })
            }
          >
            Look up
          </button>
          <button
            type="button"
            onClick={() =>
              void act.run(async () => {
                const body = { ...(increment ? { increment } : {}) };
                const res = subject ? await api.write(`auth/token/renew${suffix}`, { ...target(), ...body }) : await api.write('auth/token/renew-self', body);
                setNotice(`Renewed: the token now lives ${res.auth?.lease_duration ?? '?'}s.`);
              })
            }
          >
            Renew
          </button>
          <button
            type="button"
            className="danger"
            disabled={!subject}
            onClick={() =>
              void act.run(async () => {
                await api.write(`auth/token/revoke${suffix}`, target());
                setNotice('Revoked, with its child tokens and leases.');
                setLookup(undefined);
              })
            }
          >
            Revoke
          </button>
        </div>
        <ErrorBox error={act.error} onDismiss={act.clear} />
        {lookup ? <JsonView label="Token details" value={lookup} /> : null}
      </form>

      <section className="panel" aria-labelledby="acc-h">
        <h2 id="acc-h">Token accessors</h2>
        <button
          type="button"
          onClick={() =>
            void act.run(async () => {
              try {
                setAccessors(await api.list('auth/token/accessors'));
              } catch (err) {
                if (err instanceof ApiError && err.status === 403) throw new ApiError(403, [...err.errors, 'listing accessors needs sudo on auth/token/accessors'], err.method, err.path);
                throw err;
              }
            })
          }
        >
          List accessors
        </button>
        {accessors ? (
          <ul className="listing" aria-label="Accessors">
            {accessors.map((a) => (
              <li key={a}>
                <button type="button" className="link-button" onClick={() => (setByAccessor(true), setSubject(a))} aria-label={`Manage token with accessor ${a}`}>
                  <code>{a}</code>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </section>
  );
}
