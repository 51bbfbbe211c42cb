import { CofferError, definePath, genericNameRegex, type PathDefinition } from '@coffer/sdk';
import { roleAllowed } from './allowed-roles.js';
import { readConfig } from './config-entry.js';
import { EXPIRATION_MARGIN_SECONDS, withDatabase, type DatabaseContext } from './context.js';
import { credentialTtl } from './credential-ttl.js';
import { generatePassword } from './password.js';
import { readRole } from './role-entry.js';
import { SECRET_CREDS_TYPE } from './secret-creds.js';

/** creds/:name: a new database user for a role, handed out with a lease. */
export function pathCreds(ctx: DatabaseContext): PathDefinition {
  return definePath({
    pattern: `creds/${genericNameRegex('name')}`,
    fields: { name: { type: 'string', description: 'Name of the role.' } },
    operations: {
      read: {
        callback: async (req, d) => {
          const name = d.values.name;
          const role = await readRole(req.storage, name);
          if (!role) throw new CofferError('invalid_request', `unknown role: ${name}`);
          const config = await readConfig(req.storage, role.db_name);
          if (!config) throw new CofferError('invalid_request', `role "${name}" uses the database connection "${role.db_name}", which is not configured`);
          if (!roleAllowed(config.allowed_roles, name)) {
            throw new CofferError('invalid_request', `"${name}" is not an allowed role: add it to allowed_roles of the connection "${role.db_name}"`);
          }

          const now = ctx.now();
          const { ttl } = await credentialTtl(ctx.system, role, { now });
          const expiration = new Date(now.getTime() + (ttl + EXPIRATION_MARGIN_SECONDS) * 1000);
          const password = await generatePassword(ctx.system, config.password_policy);
          // Not retried when the plugin went away mid-call: the user may exist already, and a retry would make another.
          const { username } = await withDatabase(ctx, req.storage, role.db_name, (db) =>
            db.newUser({
              usernameConfig: { displayName: req.displayName, roleName: name },
              password,
              expiration,
              statements: { commands: role.creation_statements },
              rollbackStatements: { commands: role.rollback_statements },
            }),
          );
          return {
            data: { username, password },
            secret: {
              ttl: role.default_ttl,
              maxTtl: role.max_ttl,
              renewable: true,
              internalData: { secret_type: SECRET_CREDS_TYPE, username, role: name, db_name: role.db_name, revocation_statements: role.revocation_statements },
            },
          };
        },
        summary: 'Create a database user for a role.',
      },
    },
    helpSynopsis: 'Request a new database user and password for a role.',
    helpDescription:
      'Each read creates a new user in the role\'s database with the role\'s creation statements and returns its ' +
      'username and password with a lease. Renewing the lease extends the user\'s expiration; revoking it (or its ' +
      'expiry) drops the user.',
  });
}
