import { CofferError, type Auth, type OperationCallback, type PathDefinition } from '@coffer/sdk';
import type { Edition } from './edition.js';
import { keyMatches, nameOfKey, readKey, writeKey } from './key-entry.js';

/** The same answer for an unknown name and a wrong key, so failures reveal nothing. */
const INVALID_KEY = 'invalid API key';

/** login: trade an API key for a token. Unauthenticated (see pathsSpecial in backend.ts). */
export function pathLogin(edition: Edition): PathDefinition {
  return {
    pattern: 'login',
    fields: { key: { type: 'string', description: 'The API key.', displayAttrs: { sensitive: true } } },
    operations: {
      update: async (req, d) => {
        const key = d.get<string>('key');
        if (key === '') throw new CofferError('invalid_request', 'missing key');
        const name = nameOfKey(key);
        const entry = name === '' ? null : await readKey(req.storage, name);
        if (!entry || !keyMatches(key, entry)) throw new CofferError('invalid_request', INVALID_KEY);

        const metadata: Record<string, string> = { key_name: name };
        if (edition.trackLogins) {
          await writeKey(req.storage, name, { ...entry, last_login_time: new Date().toISOString() });
          metadata['plugin_version'] = edition.version;
        }
        const auth: Auth = {
          policies: entry.policies,
          metadata,
          displayName: `api-key-${name}`,
          ttl: entry.ttl,
          maxTtl: 0,
          renewable: true,
          alias: { name },
        };
        return { auth };
      },
      'alias-lookahead': async (_req, d) => {
        const name = nameOfKey(d.get<string>('key'));
        if (name === '') throw new CofferError('invalid_request', 'missing key');
        return { auth: { policies: [], metadata: {}, displayName: '', ttl: 0, maxTtl: 0, renewable: false, alias: { name } } };
      },
    },
    helpSynopsis: 'Log in with an API key.',
  };
}

/** Renewing a token: only while its key exists and still grants the same policies. */
export const renewLogin: OperationCallback = async (req) => {
  const auth = req.auth;
  if (!auth) throw new CofferError('invalid_request', 'request has no auth to renew');
  const entry = await readKey(req.storage, auth.metadata['key_name'] ?? '');
  if (!entry) throw new CofferError('invalid_request', 'the API key of this token was deleted; not renewing');
  const normal = (list: string[]) => [...new Set(list.filter((p) => p !== 'default'))].sort().join(',');
  const same = normal(entry.policies) === normal(auth.tokenPolicies ?? auth.policies);
  if (!same) throw new CofferError('invalid_request', 'the policies of the API key changed; not renewing');
  return { auth: { ...auth, ttl: entry.ttl } };
};
