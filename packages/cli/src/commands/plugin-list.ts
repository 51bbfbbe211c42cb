import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { DETAILED_FLAG } from '../cli/flag-sets.js';
import { tableOutput } from '../format/columns.js';
import { outputData } from '../format/output.js';
import { parsePluginType, PLUGIN_TYPES, type PluginType } from '../plugin/catalog.js';

interface PluginDetail {
  name: string;
  type: string;
  version?: string;
  builtin?: boolean;
  deprecation_status?: string;
  [key: string]: unknown;
}

export const pluginListCommand: Command = {
  name: 'plugin list',
  synopsis: 'Lists available plugins',
  help: `
Usage: ${CLI_NAME} plugin list [options] [TYPE]

  Lists available plugins registered in the catalog. This does not list whether
  plugins are in use, but rather just their availability. The last argument of
  type takes "auth", "database", or "secret".

  List all available plugins in the catalog:

      $ ${CLI_NAME} plugin list

  List all available database plugins in the catalog:

      $ ${CLI_NAME} plugin list database

  List all available plugins with detailed output:

      $ ${CLI_NAME} plugin list -detailed`,
  flagSets: ['http', 'format'],
  flags: [
    {
      ...DETAILED_FLAG,
      usage: 'Print detailed plugin information such as plugin type, version, and deprecation status for each plugin. This option is only applicable to table-formatted output.',
    },
  ],
  async run(ctx) {
    if (ctx.args.length > 1) {
      ctx.ui.error(`Too many arguments (expected 0 or 1, got ${ctx.args.length})`);
      return 1;
    }
    let type: PluginType = 'unknown';
    if (ctx.args[0] && ctx.args[0].trim() !== '') {
      try {
        type = parsePluginType(ctx.args[0]);
      } catch (err) {
        ctx.ui.error(`Error parsing type: ${(err as Error).message}`);
        return 2;
      }
    }
    let data: Record<string, unknown>;
    try {
      const secret = await ctx.client().secret('GET', 'sys/plugins/catalog');
      data = secret?.data ?? {};
    } catch (err) {
      return apiFailure(ctx, 'Error listing available plugins', err);
    }

    const byType: Record<string, string[]> = {};
    for (const t of PLUGIN_TYPES) {
      if ((type === 'unknown' || type === t) && Array.isArray(data[t])) byType[t] = (data[t] as unknown[]).map(String);
    }
    let details: PluginDetail[] = Array.isArray(data.detailed)
      ? (data.detailed as PluginDetail[])
      : Object.entries(byType).flatMap(([t, names]) => names.map((name) => ({ name, type: t })));
    if (type !== 'unknown') details = details.filter((d) => d.type === type);

    if (ctx.format !== 'table') return outputData(ctx.ui, { ...byType, details });

    const v = (d: PluginDetail): string => String(d.version ?? '');
    let rows: string[];
    if (ctx.flags.bool('detailed')) {
      rows = ['Name | Type | Version | Deprecation Status'];
      for (const d of details) rows.push(`${d.name} | ${d.type} | ${v(d)} | ${String(d.deprecation_status ?? '')}`);
    } else if (type === 'unknown') {
      rows = ['Name | Type | Version'];
      for (const d of details) rows.push(`${d.name} | ${d.type} | ${v(d)}`);
    } else {
      rows = ['Name | Version'];
      for (const d of details) rows.push(`${d.name} | ${v(d)}`);
    }
    ctx.ui.output(tableOutput(rows));
    return 0;
  },
};
