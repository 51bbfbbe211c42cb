import { useState } from 'react';
import { api } from '../api/client';
import { Busy } from '../components/busy';
import { PageError } from '../components/error-box';
import { Field } from '../components/fields';
import { PageTitle } from '../layout';
import { Link, navigate } from '../router';
import { useApi } from '../use-api';
import { CapabilityTester } from './capability-tester';

/** sys/policies/acl: the list, a way to create one, and the capability tester. */
export function PoliciesPage() {
  const policies = useApi(() => api.list('sys/policies/acl'), []);
  const [name, setName] = useState('');
  return (
    <>
      <PageTitle>ACL policies</PageTitle>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) navigate(`policies/${name.trim()}`);
        }}
      >
        <Field label="New policy name" value={name} onChange={(e) => setName(e.target.value)} pattern="[A-Za-z0-9_.\-]+" title="Letters, digits, _ . and -" />
        <button type="submit" className="primary">
          Create policy
        </button>
      </form>
      {policies.error ? <PageError error={policies.error} /> : null}
      {policies.loading && !policies.data ? <Busy /> : null}
      {policies.data ? (
        <ul className="listing" aria-label="Policies">
          {policies.data.map((p) => (
            <li key={p}>
              <Link to={`policies/${p}`}>{p}</Link>
            </li>
          ))}
        </ul>
      ) : null}
      <CapabilityTester />
    </>
  );
}
