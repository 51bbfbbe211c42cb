import { useState } from 'react';
import { request } from '../api/client';
import { Busy } from '../components/busy';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/fields';
import { OneTime } from '../components/secret-value';
import { useAction } from '../use-api';

interface InitResult {
  keys: string[];
  keys_base64: string[];
  root_token: string;
}

/** sys/init: choose shares and threshold, then see the keys and root token once. */
export function InitPage({ onDone }: { onDone: () => void }) {
  const [shares, setShares] = useState('5');
  const [threshold, setThreshold] = useState('3');
  const [result, setResult] = useState<InitResult | undefined>();
  const action = useAction();
  const init = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const res = await request('PUT', 'sys/init', { anonymous: true, body: { secret_shares: Number(shares), secret_threshold: Number(threshold) } });
      setResult(res as unknown as InitResult);
    });
  };
  const download = () => {
    const blob = new Blob([JSON.stringify({ unseal_keys_b64: result!.keys_base64, unseal_keys_hex: result!.keys, root_token: result!.root_token, unseal_shares: Number(shares), unseal_threshold: Number(threshold) }, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'coffer-init.json';
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <main id="main" className="center">
      <h1>Initialize Coffer</h1>
      {result ? (
        <section aria-labelledby="keys-title">
          <h2 id="keys-title">Unseal keys and root token</h2>
          <p className="alert alert-warn">
            This is the only time these are shown. Store each key with a different person, and keep the root token safe (revoke it once other access is set up). They cannot be recovered.
          </p>
          <ol className="keys">
            {result.keys_base64.map((k, i) => (
              <li key={k}>
                <OneTime label={`Unseal key ${i + 1}`} value={k} />
              </li>
            ))}
          </ol>
          <OneTime label="Initial root token" value={result.root_token} />
          <div className="row">
            <button type="button" onClick={download}>
              Download keys as JSON
            </button>
            <button type="button" className="primary" onClick={onDone}>
              Continue to unseal
            </button>
          </div>
        </section>
      ) : (
        <form onSubmit={init} aria-describedby="init-help">
          <p id="init-help">
            The server is not initialized. Initializing creates the encryption keys and splits the unseal key into shares (Shamir&apos;s secret sharing): any <em>threshold</em> of them unseal the server.
          </p>
          <Field label="Key shares" type="number" min={1} max={255} value={shares} onChange={(e) => setShares(e.target.value)} hint="How many unseal keys to create." required />
          <Field label="Key threshold" type="number" min={1} max={255} value={threshold} onChange={(e) => setThreshold(e.target.value)} hint="How many of them are needed to unseal." required />
          <button type="submit" className="primary" disabled={action.busy}>
            Initialize
          </button>
          {action.busy ? <Busy label="Initializing…" /> : null}
          <ErrorBox error={action.error} />
        </form>
      )}
    </main>
  );
}
