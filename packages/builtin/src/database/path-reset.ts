import { CofferError, definePath, genericNameRegex, type PathDefinition } from '@coffer/sdk';
import { readConfig } from './config-entry.js';
import { nameField, type DatabaseContext } from './context.js';

/** reset/:name: close a connection and open it again from its stored configuration. */
export function pathReset(ctx: DatabaseContext): PathDefinition {
  return definePath({
    pattern: `reset/${genericNameRegex('name')}`,
    fields: { name: nameField },
    operations: {
      update: {
        callback: async (req, d) => {
          const name = d.values.name;
          await ctx.locks.run(name, async () => {
            const config = await readConfig(req.storage, name);
            if (!config) throw new CofferError('invalid_request', `no database connection named "${name}" is configured`);
            // The new connection is opened first: if it cannot be, the old one keeps serving.
            const { connection } = await ctx.connections.open(name, config, true);
            await ctx.connections.install(name, connection);
          });
          return null;
        },
        summary: 'Reopen a connection.',
      },
    },
    helpSynopsis: 'Close a connection and open it again with its stored configuration.',
    helpDescription:
      'Useful after the database restarted or the plugin misbehaved. The new connection is opened before the old ' +
      'one is closed, and calls already running on the old one finish first.',
  });
}
