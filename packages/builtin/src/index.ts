import type { BackendFactory } from '@coffer/sdk';
import { cubbyholeFactory } from './cubbyhole/index.js';
import { kvFactory } from './kv/index.js';
import { userpassFactory } from './userpass/index.js';
import { approleFactory } from './approle/index.js';
import { certFactory } from './cert/index.js';
import { databaseFactory } from './database/index.js';
import { sshFactory } from './ssh/index.js';
import { totpFactory } from './totp/index.js';
import { transitFactory } from './transit/index.js';
import { pkiFactory } from './pki/index.js';
import { rabbitmqFactory } from './rabbitmq/index.js';
import { jwtFactory } from './jwt/index.js';
import { ldapFactory } from './ldap/index.js';
import { BUILTIN_DATABASE_PLUGIN_VERSION, builtinDatabasePlugins } from './database-plugins/index.js';
import { CofferError } from '@coffer/sdk';

export { cubbyholeFactory, cubbyholePrefix } from './cubbyhole/index.js';
export { kvFactory } from './kv/index.js';
export { userpassFactory } from './userpass/index.js';
export { approleFactory } from './approle/index.js';
export { certFactory } from './cert/index.js';
export { databaseFactory } from './database/index.js';
export { sshFactory } from './ssh/index.js';
export { totpFactory } from './totp/index.js';
export { transitFactory } from './transit/index.js';
export { pkiFactory } from './pki/index.js';
export { rabbitmqFactory } from './rabbitmq/index.js';
export { jwtFactory } from './jwt/index.js';
export { ldapFactory } from './ldap/index.js';
export { builtinDatabasePlugins } from './database-plugins/index.js';

/** A built-in engine or auth method as the plugin catalog lists it. */
export interface BuiltinPlugin {
  type: 'secret' | 'auth' | 'database';
  name: string;
  factory: BackendFactory;
  /** Semantic version of the code; the catalog shows it as vX.Y.Z+builtin. */
  version: string;
  deprecationStatus: 'supported' | 'deprecated' | 'pending-removal' | 'removed';
  /** Core singletons (cubbyhole) are mountable only by the core and not listed in the catalog. */
  hidden?: boolean;
}

/** Every built-in, in one list: the catalog, the mount table and `coffer plugin list` all read it. */
export const builtinPlugins: BuiltinPlugin[] = [
  { type: 'secret', name: 'cubbyhole', factory: cubbyholeFactory, version: '0.1.0', deprecationStatus: 'supported', hidden: true },
  { type: 'secret', name: 'kv', factory: kvFactory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'auth', name: 'userpass', factory: userpassFactory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'auth', name: 'approle', factory: approleFactory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'auth', name: 'cert', factory: certFactory, version: '0.1.0', deprecationStatus: 'supported' },
  // One backend under both of Vault's names: "jwt" and "oidc".
  { type: 'auth', name: 'jwt', factory: jwtFactory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'auth', name: 'oidc', factory: jwtFactory, version: '0.1.0', deprecationStatus: 'supported' },
  // The database secrets engine (its database plugins come from the catalog, through SystemView.openDatabasePlugin).
  { type: 'secret', name: 'database', factory: databaseFactory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'secret', name: 'ssh', factory: sshFactory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'secret', name: 'totp', factory: totpFactory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'secret', name: 'transit', factory: transitFactory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'secret', name: 'pki', factory: pkiFactory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'secret', name: 'rabbitmq', factory: rabbitmqFactory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'auth', name: 'ldap', factory: ldapFactory, version: '0.1.0', deprecationStatus: 'supported' },
  // Database plugins (PostgreSQL, MySQL/MariaDB, Redis): the database engine runs them in process for its connections.
  ...[...builtinDatabasePlugins.keys()].map(
    (name): BuiltinPlugin => ({ type: 'database', name, factory: notMountable(name), version: BUILTIN_DATABASE_PLUGIN_VERSION, deprecationStatus: 'supported' }),
  ),
];

/** A database plugin is not an engine of its own: it serves connections of the database engine. */
function notMountable(name: string): BackendFactory {
  return async () => {
    throw new CofferError('invalid_request', `"${name}" is a database plugin: enable the "database" secrets engine and configure a connection with plugin_name=${name}`);
  };
}
