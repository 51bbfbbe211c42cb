import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { listKeys, outputData } from '../format/output.js';

export const policyListCommand: Command = {
  name: 'policy list',
  synopsis: 'Lists the installed policies',
  help: `
Usage: ${CLI_NAME} policy list [options]

  Lists the names of the policies that are installed on the server.

      $ ${CLI_NAME} policy list`,
  flagSets: ['http', 'format'],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    let policies: string[];
    try {
      policies = listKeys(await ctx.client().list('sys/policies/acl')) ?? [];
    } catch (err) {
      return apiFailure(ctx, 'Error listing policies', err);
    }
    if (ctx.format === 'table') {
      for (const name of policies) ctx.ui.output(name);
      return 0;
    }
    return outputData(ctx.ui, policies);
  },
};
