import { useState } from 'react';
import { api } from '../api/client';
import { Field } from '../components/fields';
import { PageTitle } from '../layout';
import { Link, navigate } from '../router';
import { useApi } from '../use-api';
import { CapabilityTester } from './capability-tester';
import { LoadStatus } from '../components/load-status';

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
      <LoadStatus loaded={policies} />
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
