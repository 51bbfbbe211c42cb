import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputData, printRawField } from '../format/output.js';
import { catalogPath, parsePluginType, typeAndName } from '../plugin/catalog.js';

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
    if (ctx.args.length < 1) {
      ctx.ui.error(`Not enough arguments (expected 1 or 2, got ${ctx.args.length})`);
      return 1;
    }
    if (ctx.args.length > 2) {
      ctx.ui.error(`Too many arguments (expected 1 or 2, got ${ctx.args.length})`);
      return 1;
    }
    const { typeText, name } = typeAndName(ctx.args);
    const client = ctx.client();
    let type;
    try {
      type = parsePluginType(typeText);
    } catch (err) {
      ctx.ui.error((err as Error).message);
      return 2;
    }
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
    if (ctx.field) return printRawField(ctx.ui, { map: data }, ctx.field);
    return outputData(ctx.ui, data);
  },
};
