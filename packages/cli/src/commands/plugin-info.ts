import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { outputData, printRawField } from '../format/output.js';
import { catalogPath } from '../plugin/catalog.js';
import { pluginTarget } from '../plugin/target.js';

export const pluginInfoCommand: Command = {
  name: 'plugin info',
  synopsis: 'Read information about a plugin in the catalog',
  help: `
Usage: ${CLI_NAME} plugin info [options] TYPE NAME

  Displays information about a plugin in the catalog with the given name. If
  the plugin does not exist, an error is returned. The argument of type takes
  "auth", "database", or "secret".

  Get info about a plugin:

      $ ${CLI_NAME} plugin info database mysql-database-plugin

  Get info about a specific version:

      $ ${CLI_NAME} plugin info -version=v1.0.0 secret my-plugin`,
  flagSets: ['http', 'field', 'format'],
  flags: [{ name: 'version', kind: 'string', usage: 'Semantic version of the plugin. Optional.' }],
  async run(ctx) {
    const usage = argCountError(ctx, '1 or 2', 1, 2);
    if (usage !== undefined) return usage;
    const target = pluginTarget(ctx);
    if (typeof target === 'number') return target;
    const { client, type, name } = target;
    const version = ctx.flags.string('version') ?? '';
    let info: Record<string, unknown> | null | undefined;
    try {
      const secret = await client.secret('GET', catalogPath(type, name), version ? { query: { version } } : {});
      info = secret?.data;
    } catch (err) {
      return apiFailure(ctx, `Error reading plugin named ${name}`, err);
    }
    if (!info) {
      ctx.ui.error(`No value found for plugin ${JSON.stringify(name)}`);
      return 2;
    }
    const data: Record<string, unknown> = {
      args: info.args ?? [],
      builtin: info.builtin ?? false,
      command: info.command ?? '',
      name: info.name ?? name,
      sha256: info.sha256 ?? '',
      deprecation_status: info.deprecation_status ?? '',
      version: info.version ?? '',
    };
    if (info.runtime) data.runtime = info.runtime;
    if (ctx.field) return printRawField(ctx.ui, { map: data }, ctx.field);
    return outputData(ctx.ui, data);
  },
};
