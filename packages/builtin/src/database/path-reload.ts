import { CofferError, definePath, genericNameRegex, type PathDefinition, type Response } from '@coffer/sdk';
import { listConfigs, readConfig } from './config-entry.js';
import type { DatabaseContext } from './context.js';

/**
 * reload/:plugin_name: reopen every connection served by a plugin, e.g.
 * after a new binary was registered under the same name. The server's
 * sys/plugins/reload asks each database mount here and reads `count`.
 */
export function pathReload(ctx: DatabaseContext): PathDefinition {
  return definePath({
    pattern: `reload/${genericNameRegex('plugin_name')}`,
    fields: { plugin_name: { type: 'string', description: 'Name of the database plugin whose connections are reopened.' } },
    operations: {
      update: {
        callback: async (req, d) => {
          const pluginName = d.values.plugin_name;
          const reloaded: string[] = [];
          const failed: { name: string; error: string }[] = [];
          for (const name of await listConfigs(req.storage)) {
            await ctx.locks.run(name, async () => {
              const config = await readConfig(req.storage, name);
              if (!config || config.plugin_name !== pluginName) return;
              try {
                const { connection } = await ctx.connections.open(name, config, true);
                await ctx.connections.install(name, connection);
                reloaded.push(name);
              } catch (err) {
                const error = err instanceof Error ? err.message : String(err);
                ctx.logger.error({ connection: name, plugin: pluginName, err: error }, 'reloading a database connection failed; it keeps its previous plugin connection');
                failed.push({ name, error });
              }
            });
          }
          if (failed.length > 0) {
            const list = failed.map((f) => `"${f.name}" (${f.error})`).join(', ');
            throw new CofferError('internal', `failed to reload ${failed.length} connection${failed.length > 1 ? 's' : ''} using plugin "${pluginName}": ${list}`);
          }
          const resp: Response = { data: { connections: reloaded, count: reloaded.length } };
          if (reloaded.length === 0) resp.warnings = [`no connections were found with plugin_name "${pluginName}"`];
          return resp;
        },
        summary: 'Reopen the connections of a plugin.',
      },
    },
    helpSynopsis: 'Reopen every connection that uses the named database plugin.',
    helpDescription:
      'Each connection whose plugin_name matches is opened anew from the catalog (so a newly registered binary ' +
      'takes over), then swapped in; calls running on the old connection finish first. A connection that cannot ' +
      'be reopened keeps serving with its previous plugin connection, and the reload reports the error.',
  });
}
