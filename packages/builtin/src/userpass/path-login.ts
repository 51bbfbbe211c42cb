import { CofferError, definePath, genericNameRegex, type Auth, type OperationCallback, type PathDefinition } from '@coffer/sdk';
import { addressInCidrs, applyTokenParams, equivalentPolicies } from '../token-fields/index.js';
import type { UserpassContext } from './context.js';
import { verifyPassword } from './password-hash.js';
import { canonicalUsername, readUser } from './user-entry.js';

/** One message for an unknown user and a wrong password, so the answer does not reveal which names exist. */
const INVALID_CREDENTIALS = 'invalid username or password';

export function pathLogin(ctx: UserpassContext): PathDefinition {
  return definePath({
    pattern: `login/${genericNameRegex('username')}`,
    fields: {
      username: { type: 'string', description: 'Name of the user (case-insensitive).' },
      password: { type: 'string', description: 'Password of the user.', displayAttrs: { sensitive: true } },
    },
    operations: {
      update: {
        summary: 'Log in with a username and password.',
        callback: async (req, d) => {
          const username = canonicalUsername(d.values.username);
          const password = d.values.password;
          if (password === '') throw new CofferError('invalid_request', 'missing password');

          const user = await readUser(req.storage, username);
          // Unknown users (and users without a password) are checked against a dummy
          // hash, so every failed login costs the same scrypt work.
          const matches = await verifyPassword(password, user?.password_hash ?? ctx.dummyHash);
          if (!user || !user.password_hash || !matches) throw new CofferError('invalid_request', INVALID_CREDENTIALS);

          if (user.token_bound_cidrs.length > 0) {
            const remote = req.connection?.remoteAddress;
            if (!remote || !addressInCidrs(remote, user.token_bound_cidrs)) throw new CofferError('permission_denied', 'permission denied');
          }

          const auth = applyTokenParams(
            { metadata: { username }, displayName: username, alias: { name: username } },
            user,
          );
          return { auth };
        },
      },
      'alias-lookahead': {
        summary: 'Tell the core which alias a login on this path would use.',
        callback: async (_req, d) => {
          const username = canonicalUsername(d.values.username);
          if (username === '') throw new CofferError('invalid_request', 'missing username');
          return { auth: aliasOnlyAuth(username) };
        },
      },
    },
    helpSynopsis: 'Log in with a username and password.',
    helpDescription:
      'Checks the password of the user named in the path and, when it matches (and the client address is inside the ' +
      "user's token_bound_cidrs, if any), returns a token carrying the user's token settings.",
  });
}

/**
 * Renewal of a token issued by a login: refused when the user was deleted
 * or its policies changed since; otherwise the user's current TTLs apply.
 */
export const renewLogin: OperationCallback = async (req) => {
  const auth = req.auth;
  if (!auth) throw new CofferError('invalid_request', 'request has no auth to renew');
  const username = auth.metadata['username'] ?? '';
  const user = username === '' ? null : await readUser(req.storage, username);
  if (!user) throw new CofferError('invalid_request', 'the user of this token no longer exists; not renewing');
  if (!equivalentPolicies(user.token_policies, auth.tokenPolicies ?? auth.policies)) {
    throw new CofferError('invalid_request', 'policies have changed, not renewing');
  }
  return { auth: { ...auth, period: user.token_period, ttl: user.token_ttl, maxTtl: user.token_max_ttl } };
};

function aliasOnlyAuth(name: string): Auth {
  return { policies: [], metadata: {}, displayName: '', ttl: 0, maxTtl: 0, renewable: false, alias: { name } };
}
