import { useEffect, useState } from 'react';
import { api, apiPath } from '../api/client';
import { ApiError } from '../api/errors';
import { Busy, Notice } from '../components/busy';
import { ErrorBox, PageError } from '../components/error-box';
import { HclEditor } from '../components/hcl-editor';
import { TypedConfirm } from '../components/typed-confirm';
import { PageTitle } from '../layout';
import { Link, navigate } from '../router';
import { useAction, useApi } from '../use-api';

const TEMPLATE = `# Grants read access to one KV v2 folder.
path "secret/data/app/*" {
  capabilities = ["read", "list"]
}
`;

/** One policy: the HCL editor; the server validates on save and its errors are shown as they are. */
export function PolicyPage({ name }: { name: string }) {
  const policy = useApi(async () => {
    try {
      return (await api.read<{ policy: string }>(apiPath('sys/policies/acl', name))).data.policy;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }, [name]);
  const [text, setText] = useState('');
  const [notice, setNotice] = useState('');
  const [deleting, setDeleting] = useState(false);
  const save = useAction();
  const remove = useAction();
  useEffect(() => setText(policy.data ?? TEMPLATE), [policy.data]);
  const builtin = name === 'root' || name === 'default';
  if (policy.error) return <PageError error={policy.error} />;
  if (policy.loading && policy.data === undefined && text === '') return <Busy />;
  const exists = policy.data !== undefined;
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <ol>
          <li>
            <Link to="policies">Policies</Link>
          </li>
          <li>
            <Link to={`policies/${name}`} aria-current="page">
              {name}
            </Link>
          </li>
        </ol>
      </nav>
      <PageTitle>Policy {name}</PageTitle>
      {notice ? <Notice>{notice}</Notice> : null}
      {!exists ? <p>This policy does not exist yet; saving creates it.</p> : null}
      {name === 'root' ? (
        <p>The root policy grants everything and cannot be changed.</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save.run(async () => {
              await api.write(apiPath('sys/policies/acl', name), { policy: text });
              setNotice(`Policy ${name} saved.`);
              policy.reload();
            });
          }}
        >
          <HclEditor label="Policy (HCL)" value={text} onChange={setText} describedBy={save.error ? 'policy-error' : undefined} />
          <div className="row">
            <button type="submit" className="primary" disabled={save.busy}>
              {save.busy ? 'Saving…' : 'Save policy'}
            </button>
            {exists && !builtin ? (
              <button type="button" className="danger" onClick={() => setDeleting(true)}>
                Delete policy
              </button>
            ) : null}
          </div>
          <div id="policy-error">
            <ErrorBox error={save.error} />
          </div>
        </form>
      )}
      {deleting ? (
        <TypedConfirm
          word={name}
          action={`Delete policy ${name}`}
          warning="Tokens that carry this policy lose what it granted at once."
          busy={remove.busy}
          onCancel={() => setDeleting(false)}
          onConfirm={() =>
            void remove.run(async () => {
              await api.remove(apiPath('sys/policies/acl', name));
              navigate('policies');
            })
          }
        />
      ) : null}
      <ErrorBox error={remove.error} />
    </>
  );
}
