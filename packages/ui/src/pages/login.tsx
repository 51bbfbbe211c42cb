import { useState } from 'react';
import { apiPath, request } from '../api/client';
import { ApiError } from '../api/errors';
import { lastLoginMethod, rememberLoginMethod, setToken, takeLogoutReason, type LoginMethod } from '../api/session';
import { Busy, Notice } from '../components/busy';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/fields';
import { useAction } from '../use-api';

const METHODS: { type: LoginMethod['type']; title: string; defaultMount: string }[] = [
  { type: 'token', title: 'Token', defaultMount: '' },
  { type: 'userpass', title: 'Username', defaultMount: 'userpass' },
  { type: 'approle', title: 'AppRole', defaultMount: 'approle' },
];

/** `purpose`: why the user is asked to log in, when it is not to use the UI itself. */
export function LoginPage({ purpose }: { purpose?: string | undefined } = {}) {
  const remembered = lastLoginMethod();
  const [type, setType] = useState(remembered.type);
  const [mount, setMount] = useState(remembered.mount || (METHODS.find((m) => m.type === remembered.type)?.defaultMount ?? ''));
  const [values, setValues] = useState<Record<string, string>>({});
  const [reason] = useState(takeLogoutReason);
  // Focus starts in the first field; once the user picks a method (e.g. with the arrow keys), it stays where they are.
  const [picked, setPicked] = useState(false);
  const action = useAction();
  const set = (k: string) => (e: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [k]: e.target.value });

  const choose = (t: LoginMethod['type']) => {
    setType(t);
    setPicked(true);
    setMount(METHODS.find((m) => m.type === t)!.defaultMount);
    setValues({});
    action.clear();
  };

  const login = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      let token: string;
      if (type === 'token') {
        token = values.token ?? '';
        // Checks the token before keeping it.
        await fetchLookupSelf(token);
      } else if (type === 'userpass') {
        const res = await request('POST', apiPath('auth', mount, 'login', values.username ?? ''), { anonymous: true, body: { password: values.password ?? '' } });
        token = res.auth!.client_token;
      } else {
        const res = await request('POST', apiPath('auth', mount, 'login'), { anonymous: true, body: { role_id: values.role_id ?? '', secret_id: values.secret_id ?? '' } });
        token = res.auth!.client_token;
      }
      rememberLoginMethod({ type, mount });
      setToken(token);
    });
  };

  return (
    <main id="main" className="center">
      <h1>Log in to Coffer</h1>
      {purpose ? <p>{purpose}</p> : null}
      {reason ? <Notice>{reason}</Notice> : null}
      <div role="radiogroup" aria-label="Login method" className="segmented">
        {METHODS.map((m) => (
          <label key={m.type} className={type === m.type ? 'active' : undefined}>
            <input type="radio" name="method" value={m.type} checked={type === m.type} onChange={() => choose(m.type)} />
            {m.title}
          </label>
        ))}
      </div>
      <form onSubmit={login}>
        {type !== 'token' ? <Field label="Mount path" value={mount} onChange={(e) => setMount(e.target.value)} hint={`Where the ${type} auth method is enabled (auth/${mount || '…'}/).`} required /> : null}
        {type === 'token' ? <Field label="Token" type="password" value={values.token ?? ''} onChange={set('token')} required autoFocus={!picked} /> : null}
        {type === 'userpass' ? (
          <>
            <Field label="Username" value={values.username ?? ''} onChange={set('username')} required autoComplete="username" autoFocus={!picked} />
            <Field label="Password" type="password" value={values.password ?? ''} onChange={set('password')} required autoComplete="current-password" />
          </>
        ) : null}
        {type === 'approle' ? (
          <>
            <Field label="Role ID" value={values.role_id ?? ''} onChange={set('role_id')} required autoFocus={!picked} />
            <Field label="Secret ID" type="password" value={values.secret_id ?? ''} onChange={set('secret_id')} />
          </>
        ) : null}
        <button type="submit" className="primary" disabled={action.busy}>
          Log in
        </button>
      </form>
      {action.busy ? <Busy label="Logging in…" /> : null}
      <ErrorBox error={action.error} />
      <p className="muted">The token is kept in this tab only (session storage) and is forgotten when you log out or close the tab.</p>
    </main>
  );
}

async function fetchLookupSelf(token: string): Promise<void> {
  const res = await fetch('/v1/auth/token/lookup-self', { headers: { 'X-Vault-Token': token }, cache: 'no-store', credentials: 'omit' });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { errors?: string[] };
    throw new ApiError(res.status, body.errors ?? [], 'GET', 'auth/token/lookup-self');
  }
}
