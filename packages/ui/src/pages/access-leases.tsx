import { useState } from 'react';
import { api, apiPath } from '../api/client';
import { Notice } from '../components/busy';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/fields';
import { JsonView } from '../components/json-view';
import { TypedConfirm } from '../components/typed-confirm';
import { useAction } from '../use-api';

/** sys/leases/*: browse by prefix, look up, renew, revoke, revoke a whole prefix. */
export function AccessLeases() {
  const [prefix, setPrefix] = useState('');
  const [keys, setKeys] = useState<string[] | undefined>();
  const [leaseId, setLeaseId] = useState('');
  const [increment, setIncrement] = useState('');
  const [details, setDetails] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const [revokingPrefix, setRevokingPrefix] = useState(false);
  const action = useAction();
  const cleanPrefix = prefix.replace(/^\/+/, '');
  return (
    <section aria-label="Leases">
      {notice ? <Notice>{notice}</Notice> : null}
      <form
        className="panel row"
        aria-label="Browse leases"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => setKeys(await api.list(apiPath('sys/leases/lookup', cleanPrefix))));
        }}
      >
        <Field label="Lease prefix" value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="database/creds/" hint="Listing leases needs sudo on sys/leases/lookup." />
        <button type="submit">List</button>
        <button type="button" className="danger" disabled={!cleanPrefix} onClick={() => setRevokingPrefix(true)}>
          Revoke prefix
        </button>
      </form>
      {revokingPrefix ? (
        <TypedConfirm
          word={cleanPrefix}
          action={`Revoke every lease under ${cleanPrefix}`}
          warning="Every secret issued under this prefix is revoked at once: applications using them lose access."
          busy={action.busy}
          onCancel={() => setRevokingPrefix(false)}
          onConfirm={() =>
            void action.run(async () => {
              await api.write(apiPath('sys/leases/revoke-prefix', cleanPrefix), {});
              setRevokingPrefix(false);
              setNotice(`Revoked the leases under ${cleanPrefix}.`);
              setKeys(undefined);
            })
          }
        />
      ) : null}
      {keys ? (
        keys.length === 0 ? (
          <p>No leases under this prefix.</p>
        ) : (
          <ul className="listing" aria-label="Leases">
            {keys.map((k) => (
              <li key={k}>
                <button type="button" className="link-button" onClick={() => (k.endsWith('/') ? setPrefix(cleanPrefix + k) : setLeaseId(cleanPrefix + k))}>
                  {k}
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <form className="panel" aria-label="One lease" onSubmit={(e) => e.preventDefault()}>
        <Field label="Lease ID" value={leaseId} onChange={(e) => setLeaseId(e.target.value)} required />
        <Field label="Renew increment" value={increment} onChange={(e) => setIncrement(e.target.value)} placeholder="e.g. 1h" />
        <div className="row">
          <button type="button" disabled={!leaseId} onClick={() => void action.run(async () => setDetails((await api.write('sys/leases/lookup', { lease_id: leaseId })).data))}>
            Look up
          </button>
          <button
            type="button"
            disabled={!leaseId}
            onClick={() =>
              void action.run(async () => {
                const res = await api.write('sys/leases/renew', { lease_id: leaseId, ...(increment ? { increment } : {}) });
                setNotice(`Renewed for ${res.lease_duration ?? '?'}s.`);
              })
            }
          >
            Renew
          </button>
          <button
            type="button"
            className="danger"
            disabled={!leaseId}
            onClick={() =>
              void action.run(async () => {
                await api.write('sys/leases/revoke', { lease_id: leaseId });
                setNotice('Lease revoked.');
                setDetails(undefined);
              })
            }
          >
            Revoke
          </button>
        </div>
      </form>
      <ErrorBox error={action.error} onDismiss={action.clear} />
      {details ? <JsonView label="Lease details" value={details} /> : null}
    </section>
  );
}
