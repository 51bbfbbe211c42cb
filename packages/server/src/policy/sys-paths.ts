import {
  CofferError,
  notFound,
  type FieldData,
  type FieldSchema,
  type PathDefinition,
  type Request,
  type Response,
} from '@coffer/sdk';
import type { PolicyStore } from './store.js';

/**
 * The policy endpoints of the system backend, relative to its "sys/" mount,
 * with Vault's shapes: the old `sys/policy` family (text in `rules`, list
 * also under `policies`) and the current `sys/policies/acl` family (text in
 * `policy`). No existence check: create and update are the same write.
 */
export function policySysPaths(store: PolicyStore): PathDefinition[] {
  const nameField: FieldSchema = { type: 'string', description: 'The name of the policy (lower-cased).' };
  const policyField: FieldSchema = {
    type: 'string',
    description: 'The policy document, in HCL or JSON; it may also be base64-encoded.',
  };

  const listKeys = async (): Promise<Response> => ({ data: { keys: await store.list() } });
  const listLegacy = async (): Promise<Response> => {
    const keys = await store.list();
    return { data: { keys, policies: keys } };
  };

  return [
    {
      pattern: 'policy/?',
      operations: {
        read: { callback: listLegacy, summary: 'List the names of the configured ACL policies.' },
        list: { callback: listLegacy, summary: 'List the names of the configured ACL policies.' },
      },
      helpSynopsis: 'List the configured ACL policies.',
      helpDescription: 'Lists every ACL policy a token can be given, including "root". Prefer sys/policies/acl.',
    },
    {
      pattern: 'policy/(?<name>.+)',
      fields: {
        name: nameField,
        policy: policyField,
        rules: { ...policyField, deprecated: true, description: 'Deprecated: use "policy".' },
      },
      operations: {
        read: { callback: (_req, d) => readPolicy(store, d, 'rules'), summary: 'Read the rules of a policy.' },
        update: { callback: (req, d) => writePolicy(store, req, d, true), summary: 'Add a new or update an existing policy.' },
        delete: { callback: (_req, d) => deletePolicy(store, d), summary: 'Delete a policy.' },
      },
      helpSynopsis: 'Read, write and delete ACL policies.',
      helpDescription:
        'Policies grant capabilities on paths. The text is HCL or JSON, for example: ' +
        'path "secret/*" { capabilities = ["read", "list"] }. Prefer sys/policies/acl/<name>.',
    },
    {
      pattern: 'policies/acl/?',
      operations: {
        list: { callback: listKeys, summary: 'List the names of the configured ACL policies.' },
      },
      helpSynopsis: 'List the configured ACL policies.',
      helpDescription: 'Lists every ACL policy a token can be given, including "root".',
    },
    {
      pattern: 'policies/acl/(?<name>.+)',
      fields: { name: nameField, policy: policyField },
      operations: {
        read: { callback: (_req, d) => readPolicy(store, d, 'policy'), summary: 'Retrieve an ACL policy.' },
        update: { callback: (req, d) => writePolicy(store, req, d, false), summary: 'Add a new or update an existing ACL policy.' },
        delete: { callback: (_req, d) => deletePolicy(store, d), summary: 'Delete an ACL policy.' },
      },
      helpSynopsis: 'Read, write and delete ACL policies.',
      helpDescription:
        'Policies grant capabilities on paths. The text is HCL or JSON, for example: ' +
        'path "secret/*" { capabilities = ["read", "list"] }.',
    },
  ];
}

async function readPolicy(store: PolicyStore, d: FieldData, textKey: 'rules' | 'policy'): Promise<Response> {
  const policy = await store.get(d.get<string>('name'));
  if (!policy) throw notFound();
  return { data: { name: policy.name, [textKey]: policy.raw } };
}

async function writePolicy(store: PolicyStore, _req: Request, d: FieldData, legacy: boolean): Promise<Response | null> {
  const name = d.get<string>('name').trim().toLowerCase();
  if (name === '') throw new CofferError('invalid_request', 'policy name must be provided in the URL');

  const warnings: string[] = [];
  let text = d.get<string>('policy');
  if (text === '' && legacy) {
    text = d.get<string>('rules');
    if (text !== '') warnings.push("'rules' is deprecated, please use 'policy' instead");
  }
  if (text === '') throw new CofferError('invalid_request', "'policy' parameter not supplied or empty");

  await store.set(name, decodeIfBase64(text));
  return warnings.length > 0 ? { warnings } : null;
}

async function deletePolicy(store: PolicyStore, d: FieldData): Promise<null> {
  await store.delete(d.get<string>('name'));
  return null;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Vault accepts the policy text base64-encoded (standard alphabet, padded;
 * line breaks ignored) and uses it decoded whenever it decodes. Real HCL or
 * JSON never qualifies: quotes, braces and spaces are not base64.
 */
function decodeIfBase64(text: string): string {
  const compact = text.replace(/[\r\n]/g, '');
  if (compact === '' || !BASE64.test(compact)) return text;
  return Buffer.from(compact, 'base64').toString('utf8');
}
