import { createBackend, type BackendFactory } from '@coffer/sdk';
import type { Edition } from './edition.js';
import { pathKeys } from './path-keys.js';
import { pathLogin, renewLogin } from './path-login.js';

const HELP = `
The api-key auth method: an operator creates named API keys under keys/,
each with the policies and token TTL it grants; a client trades its key for
a token at login. Only the SHA-256 of each key is stored.
`;

/** The auth-api-key plugin's backend, one per mount. Built only on @coffer/sdk. */
export function apiKeyFactory(edition: Edition): BackendFactory {
  return async () =>
    createBackend({
      type: 'credential',
      help: HELP,
      runningVersion: edition.version,
      pathsSpecial: { unauthenticated: ['login'] },
      paths: [pathLogin(edition), ...pathKeys(edition)],
      authRenew: renewLogin,
    });
}
