import { CofferError, genericNameRegex, listResponse, notFound, type PathDefinition } from '@coffer/sdk';
import type { Edition } from './edition.js';
import { deleteKey, generateKey, listKeys, readKey, writeKey, type KeyEntry } from './key-entry.js';

const keyFields = {
  name: { type: 'string', description: 'Name of the API key.' },
  policies: { type: 'comma-string-slice', description: 'Policies of the tokens a login with this key receives.' },
  ttl: { type: 'duration', description: "TTL of those tokens (default: the mount's default lease TTL)." },
} as const;

/** keys/ and keys/<name>: the operator's side — create, read, change, list and delete API keys. */
export function pathKeys(edition: Edition): PathDefinition[] {
  return [
    {
      pattern: 'keys/?',
      operations: {
        list: async (req) => listResponse(await listKeys(req.storage)),
      },
      helpSynopsis: 'Lists the API keys by name.',
    },
    {
      pattern: `keys/${genericNameRegex('name')}`,
      fields: keyFields,
      existenceCheck: async (req, d) => (await readKey(req.storage, d.get<string>('name'))) !== null,
      operations: {
        create: async (req, d) => {
          const name = d.get<string>('name');
          const { key, sha256 } = generateKey(name);
          const entry: KeyEntry = {
            key_sha256: sha256,
            policies: d.get<string[]>('policies'),
            ttl: d.get<number>('ttl'),
            created_time: new Date().toISOString(),
          };
          await writeKey(req.storage, name, entry);
          // The only time the key is ever shown: Coffer keeps just its hash.
          return { data: { name, key, policies: entry.policies, ttl: entry.ttl } };
        },
        update: async (req, d) => {
          const name = d.get<string>('name');
          const entry = await readKey(req.storage, name);
          if (!entry) throw new CofferError('invalid_request', `no API key named "${name}": create it first`);
          const [policies, hasPolicies] = d.getOk<string[]>('policies');
          const [ttl, hasTtl] = d.getOk<number>('ttl');
          if (hasPolicies) entry.policies = policies ?? [];
          if (hasTtl) entry.ttl = ttl ?? 0;
          await writeKey(req.storage, name, entry);
          return null;
        },
        read: async (req, d) => {
          const name = d.get<string>('name');
          const entry = await readKey(req.storage, name);
          if (!entry) throw notFound();
          const data: Record<string, unknown> = { name, policies: entry.policies, ttl: entry.ttl, created_time: entry.created_time };
          if (edition.trackLogins) data['last_login_time'] = entry.last_login_time ?? '';
          return { data };
        },
        delete: async (req, d) => {
          await deleteKey(req.storage, d.get<string>('name'));
          return null;
        },
      },
      helpSynopsis: 'Manages one API key.',
      helpDescription:
        'Creating a key generates it and returns it once; only its SHA-256 is stored. Writing to an existing key changes its policies or TTL and keeps the key.',
    },
  ];
}
