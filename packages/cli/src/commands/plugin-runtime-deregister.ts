import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { runtimePath, runtimeTypeFlag, TYPE_FLAG_USAGE } from '../plugin/runtime.js';

export const pluginRuntimeDeregisterCommand: Command = {
  name: 'plugin runtime deregister',
  synopsis: 'Deregister an existing plugin runtime in the catalog',
  help: `
Usage: ${CLI_NAME} plugin runtime deregister [options] NAME

  Deregisters an existing plugin runtime. Fails when a registered plugin
  still refers to it, or when no runtime of that type and name exists.

      $ ${CLI_NAME} plugin runtime deregister -type=process sandboxed`,
  flagSets: ['http'],
  flags: [{ name: 'type', kind: 'string', usage: TYPE_FLAG_USAGE }],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const type = runtimeTypeFlag(ctx, 'deregistration');
    if (typeof type === 'number') return type;
    const name = ctx.args[0]!.trim();
    try {
      await ctx.client().request('DELETE', runtimePath(type, name));
    } catch (err) {
      return apiFailure(ctx, `Error deregistering plugin runtime named ${name}`, err);
    }
    ctx.ui.output(`Success! Deregistered plugin runtime: ${name}`);
    return 0;
  },
};
