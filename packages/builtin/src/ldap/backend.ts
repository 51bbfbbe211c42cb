import { createBackend, type Backend, type BackendConfig, type BackendFactory } from '@coffer/sdk';
import { pathConfig } from './path-config.js';
import { pathGroups } from './path-groups.js';
import { pathLogin, renewLogin } from './path-login.js';
import { pathUsers } from './path-users.js';

const HELP =
  'The ldap auth method lets users log in with their LDAP (OpenLDAP, Active Directory…) username and password. ' +
  'Configure the server under "config"; map LDAP groups to policies under "groups/", and give single users extra ' +
  'groups or policies under "users/". Users log in at "login/<username>".';

export async function createLdapBackend(conf: BackendConfig): Promise<Backend> {
  const logger = conf.logger;
  return createBackend({
    type: 'credential',
    help: HELP,
    pathsSpecial: { unauthenticated: ['login/*'] },
    paths: [pathConfig(), ...pathUsers(), ...pathGroups(), pathLogin(logger)],
    authRenew: renewLogin(logger),
  });
}

export const ldapFactory: BackendFactory = (conf) => createLdapBackend(conf);
