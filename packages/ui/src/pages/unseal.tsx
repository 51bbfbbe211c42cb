import { useState } from 'react';
import { request } from '../api/client';
import type { SealStatus } from '../app';
import { Progress } from '../components/busy';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/fields';
import { useAction } from '../use-api';

/** sys/unseal: enter key shares one at a time until the threshold is reached. */
export function UnsealPage({ status, onChange }: { status: SealStatus; onChange: (s: SealStatus) => void }) {
  const [key, setKey] = useState('');
  const action = useAction();
  const submit = (body: Record<string, unknown>) =>
    void action.run(async () => {
      const res = await request('PUT', 'sys/unseal', { anonymous: true, body });
      setKey('');
      onChange(res as unknown as SealStatus);
    });
  return (
    <main id="main" className="center">
      <h1>Unseal Coffer</h1>
      <p>
        The server is sealed: it holds its data but cannot read it. Enter {status.t} of the {status.n} unseal keys, one at a time; each key holder can enter theirs from their own browser.
      </p>
      <Progress value={status.progress} max={status.t} label="Keys entered" />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit({ key });
        }}
      >
        <Field label="Unseal key" type="password" value={key} onChange={(e) => setKey(e.target.value)} autoFocus required />
        <div className="row">
          <button type="submit" className="primary" disabled={action.busy || key === ''}>
            Unseal
          </button>
          <button type="button" onClick={() => submit({ reset: true })} disabled={action.busy || status.progress === 0}>
            Reset entered keys
          </button>
        </div>
      </form>
      <ErrorBox error={action.error} />
      <p className="muted">
        Seal type {status.type}, version {status.version}
        {status.cluster_name ? `, cluster ${status.cluster_name}` : ''}
      </p>
    </main>
  );
}
