import { CofferError, definePath, genericNameRegex, type PathDefinition } from '@coffer/sdk';
import { readConfig, writeConfig } from './config-entry.js';
import { nameField, withDatabase, type DatabaseContext } from './context.js';
import { withContext } from './connection-cache.js';
import { generatePassword } from './password.js';

/** rotate-root/:name: give the connection's own database user a new password only Coffer knows. */
export function pathRotateRoot(ctx: DatabaseContext): PathDefinition {
  return definePath({
    pattern: `rotate-root/${genericNameRegex('name')}`,
    fields: { name: nameField },
    operations: {
      update: {
        callback: async (req, d) => {
          const name = d.values.name;
          await ctx.locks.run(name, async () => {
            const config = await readConfig(req.storage, name);
            if (!config) throw new CofferError('invalid_request', `no database connection named "${name}" is configured`);
            const username = config.connection_details['username'];
            if (typeof username !== 'string' || username === '') {
              throw new CofferError('invalid_request', 'unable to rotate root credentials: no username in configuration; set "username" (and a templated connection_url) on the connection');
            }
            const current = config.connection_details['password'];
            if (typeof current !== 'string' || current === '') {
              throw new CofferError('invalid_request', 'unable to rotate root credentials: no password in configuration; set "password" on the connection');
            }
            const newPassword = await generatePassword(ctx.system, config.password_policy);
            try {
              await withDatabase(ctx, req.storage, name, (db) =>
                db.updateUser({ username, password: { newPassword, statements: { commands: config.root_credentials_rotate_statements } } }),
              );
            } catch (err) {
              throw withContext(err, 'failed to rotate root credentials');
            }
            config.connection_details = { ...config.connection_details, password: newPassword };
            await writeConfig(req.storage, name, config);
            // The open connection logged in with the old password: the next call opens one with the new.
            await ctx.connections.evict(name);
          });
          return null;
        },
        summary: 'Rotate the root credential of a connection.',
      },
    },
    helpSynopsis: 'Rotate the password of the user the connection logs in as.',
    helpDescription:
      'A new password is generated (from the connection\'s password_policy, if any), set in the database through ' +
      'the plugin with root_rotation_statements, and stored. After this only Coffer knows the root password. A ' +
      'plugin that cannot change passwords answers with an error and nothing is changed.',
  });
}
