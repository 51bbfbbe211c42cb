import { CofferError, definePath, type Auth, type Logger, type OperationCallback, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import { addressInCidrs, applyTokenParams, equivalentPolicies, sanitizePolicies } from '../token-fields/index.js';
import { canonicalName, readConfig, type LdapConfig } from './config-entry.js';
import { authenticateUser } from './directory-login.js';
import { loginPolicies } from './login-policies.js';

const NOT_CONFIGURED = 'auth method not configured';

export function pathLogin(logger: Logger): PathDefinition {
  return definePath({
    pattern: 'login/(?<username>.+)',
    fields: {
      username: { type: 'string', description: 'The login name (matched against userattr, or the UPN user part).' },
      password: { type: 'string', description: 'Password of the user.', displayAttrs: { sensitive: true } },
    },
    operations: {
      update: {
        summary: 'Log in with an LDAP username and password.',
        callback: async (req, d) => {
          const config = await configOrFail(req);
          checkBoundCidrs(req, config);
          const username = loginName(config, d.values.username);
          if (username === '') throw new CofferError('invalid_request', 'missing username');
          return login(req, config, username, d.values.password, logger);
        },
      },
      'alias-lookahead': {
        summary: 'Tell the core which alias a login on this path would use.',
        callback: async (req, d) => {
          const config = await configOrFail(req);
          const username = loginName(config, d.values.username);
          if (username === '') throw new CofferError('invalid_request', 'missing username');
          return { auth: { policies: [], metadata: {}, displayName: '', ttl: 0, maxTtl: 0, renewable: false, alias: { name: username } } };
        },
      },
    },
    helpSynopsis: 'Log in with an LDAP username and password.',
    helpDescription:
      'Binds to the directory as the user with the password and returns a token with the config\'s token_policies plus the ' +
      'policies mapped to the user and to their groups (see "groups/" and "users/"). Renewing the token checks the user ' +
      'against the directory again and is refused when the policies changed.',
  });
}

/**
 * Renewal logs the user in again (Vault keeps the password with the token,
 * server side only, for this): a user who was removed, whose password
 * changed or whose policies changed cannot renew.
 */
export function renewLogin(logger: Logger): OperationCallback {
  return async (req) => {
    const auth = req.auth;
    if (!auth) throw new CofferError('invalid_request', 'request has no auth to renew');
    const config = await configOrFail(req);
    const username = auth.metadata['username'] ?? '';
    const password = auth.internalData?.['password'];
    if (username === '' || typeof password !== 'string') throw new CofferError('invalid_request', 'this token carries no LDAP login to check; not renewing');
    const fresh = await login(req, config, username, password, logger);
    if (!equivalentPolicies(fresh.auth.tokenPolicies, auth.tokenPolicies ?? auth.policies)) {
      throw new CofferError('invalid_request', 'policies have changed, not renewing');
    }
    return {
      auth: { ...auth, period: config.token_period, ttl: config.token_ttl, maxTtl: config.token_max_ttl, groupAliases: fresh.auth.groupAliases ?? [] },
    };
  };
}

async function login(req: Request, config: LdapConfig, username: string, password: string, logger: Logger): Promise<Response & { auth: Auth }> {
  const user = await authenticateUser(config, username, password, logger);
  const mapped = await loginPolicies(req.storage, config, username, user.groups);
  const policies = sanitizePolicies([...config.token_policies, ...mapped.policies]);
  const base = applyTokenParams(
    {
      metadata: { username },
      displayName: username,
      alias: { name: user.aliasName, metadata: { name: username } },
      internalData: { password },
      groupAliases: mapped.groups.filter((g) => g !== '').map((name) => ({ name })),
    },
    config,
  );
  const auth: Auth = { ...base, policies, tokenPolicies: policies };
  const warnings =
    user.groups.length === 0 ? [`no LDAP groups found in groupDN '${config.groupdn}'; only policies from locally-defined groups available`] : [];
  return { auth, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Vault trims the name (CVE-2025-6004) and lower-cases it unless names are case-sensitive. */
function loginName(config: LdapConfig, raw: string): string {
  return canonicalName(config, raw.trim());
}

async function configOrFail(req: Request): Promise<LdapConfig> {
  const config = await readConfig(req.storage);
  if (!config) throw new CofferError('invalid_request', NOT_CONFIGURED);
  return config;
}

function checkBoundCidrs(req: Request, config: LdapConfig): void {
  if (config.token_bound_cidrs.length === 0) return;
  const remote = req.connection?.remoteAddress;
  if (!remote || !addressInCidrs(remote, config.token_bound_cidrs)) throw new CofferError('permission_denied', 'permission denied');
}
