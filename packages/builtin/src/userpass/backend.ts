import { createBackend, type Backend, type BackendConfig, type BackendFactory } from '@coffer/sdk';
import type { UserpassContext } from './context.js';
import { DEFAULT_SCRYPT_PARAMS, dummyPasswordHash, type ScryptParams } from './password-hash.js';
import { pathLogin, renewLogin } from './path-login.js';
import { pathUserPassword } from './path-user-password.js';
import { pathUserPolicies } from './path-user-policies.js';
import { pathUsers } from './path-users.js';

export interface UserpassOptions {
  /** scrypt cost of new password hashes (tests lower it to stay fast). */
  hashParams?: ScryptParams;
}

const HELP =
  'The userpass auth method lets users log in with a username and a password. Operators manage users under ' +
  '"users/"; a user logs in at "login/<username>" and receives a token with the policies and token settings of ' +
  'that user. Passwords are kept only as salted scrypt hashes.';

export async function createUserpassBackend(_conf: BackendConfig, options: UserpassOptions = {}): Promise<Backend> {
  const hashParams = options.hashParams ?? DEFAULT_SCRYPT_PARAMS;
  const ctx: UserpassContext = { hashParams, dummyHash: await dummyPasswordHash(hashParams) };
  return createBackend({
    type: 'credential',
    help: HELP,
    pathsSpecial: { unauthenticated: ['login/*'] },
    paths: [pathLogin(ctx), ...pathUsers(ctx), pathUserPassword(ctx), pathUserPolicies()],
    authRenew: renewLogin,
  });
}

export const userpassFactory: BackendFactory = (conf) => createUserpassBackend(conf);
