import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { outputData, printRawField } from '../format/output.js';
import { runtimePath, runtimeTypeFlag, TYPE_FLAG_USAGE } from '../plugin/runtime.js';

export const pluginRuntimeInfoCommand: Command = {
  name: 'plugin runtime info',
  synopsis: 'Read information about a plugin runtime in the catalog',
  help: `
Usage: ${CLI_NAME} plugin runtime info [options] NAME

  Displays a plugin runtime and, for a "process" runtime, how this server
  enforces each of its limits (enforcement: cgroup v2, cgroup v1, setrlimit
  or none, with the details and anything that cannot be enforced here).

      $ ${CLI_NAME} plugin runtime info -type=process sandboxed`,
  flagSets: ['http', 'field', 'format'],
  flags: [{ name: 'type', kind: 'string', usage: TYPE_FLAG_USAGE }],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const type = runtimeTypeFlag(ctx, 'info');
    if (typeof type === 'number') return type;
    const name = ctx.args[0]!.trim();
    let info: Record<string, unknown> | null | undefined;
    try {
      info = (await ctx.client().secret('GET', runtimePath(type, name)))?.data;
    } catch (err) {
      return apiFailure(ctx, `Error reading plugin runtime named ${name}`, err);
    }
    if (!info) {
      ctx.ui.error(`No value found for plugin runtime ${JSON.stringify(name)}`);
      return 2;
    }
    const data: Record<string, unknown> = { ...info };
    if (ctx.format === 'table') {
      // As Vault's info shows an unset parent; details one row each.
      if (data.cgroup_parent === '') data.cgroup_parent = 'n/a';
      const details = (data.enforcement_details ?? {}) as Record<string, unknown>;
      delete data.enforcement_details;
      for (const [key, value] of Object.entries(details)) data[`enforcement_${key}`] = value;
    }
    if (ctx.field) return printRawField(ctx.ui, { map: data }, ctx.field);
    return outputData(ctx.ui, data);
  },
};
