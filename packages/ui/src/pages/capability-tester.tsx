import { useState } from 'react';
import { api } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { Field, Select } from '../components/fields';
import { useAction } from '../use-api';

/** sys/capabilities, -accessor and -self: what a token may do on a path. */
export function CapabilityTester() {
  const [path, setPath] = useState('');
  const [who, setWho] = useState<'self' | 'token' | 'accessor'>('self');
  const [credential, setCredential] = useState('');
  const [result, setResult] = useState<{ path: string; capabilities: string[] } | undefined>();
  const action = useAction();
  const test = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const endpoint = who === 'self' ? 'sys/capabilities-self' : who === 'token' ? 'sys/capabilities' : 'sys/capabilities-accessor';
      const body = { paths: [path], ...(who === 'token' ? { token: credential } : who === 'accessor' ? { accessor: credential } : {}) };
      const res = await api.write<Record<string, string[]>>(endpoint, body);
      setResult({ path, capabilities: res.data[path] ?? res.data.capabilities ?? [] });
    });
  };
  return (
    <section aria-labelledby="captest-h" className="panel">
      <h2 id="captest-h">Capability tester</h2>
      <form onSubmit={test}>
        <Field label="Path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="secret/data/app/config" required />
        <Select
          label="For"
          value={who}
          onChange={(v) => setWho(v as typeof who)}
          options={[
            { value: 'self', label: 'My token' },
            { value: 'token', label: 'Another token' },
            { value: 'accessor', label: 'A token accessor' },
          ]}
        />
        {who !== 'self' ? <Field label={who === 'token' ? 'Token' : 'Accessor'} type={who === 'token' ? 'password' : 'text'} value={credential} onChange={(e) => setCredential(e.target.value)} required /> : null}
        <button type="submit" className="primary" disabled={action.busy}>
          Test capabilities
        </button>
      </form>
      <ErrorBox error={action.error} />
      {result ? (
        <p role="status" className="capabilities">
          Capabilities on <code>{result.path}</code>:{' '}
          {result.capabilities.map((c) => (
            <span key={c} className={`badge ${c === 'deny' ? 'badge-deny' : ''}`}>
              {c}
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}
