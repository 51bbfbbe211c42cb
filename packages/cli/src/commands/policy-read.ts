import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { outputData } from '../format/output.js';

export const policyReadCommand: Command = {
  name: 'policy read',
  synopsis: 'Prints the contents of a policy',
  help: `
Usage: ${CLI_NAME} policy read [options] [NAME]

  Prints the contents and metadata of the policy named NAME. If the policy
  does not exist, an error is returned.

      $ ${CLI_NAME} policy read my-policy`,
  flagSets: ['http', 'format'],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const name = ctx.args[0]!.trim().toLowerCase();
    let rules = '';
    try {
      const secret = await ctx.client().read(`sys/policies/acl/${name}`);
      const data = secret?.data ?? {};
      rules = typeof data.policy === 'string' ? data.policy : typeof data.rules === 'string' ? data.rules : '';
    } catch (err) {
      return apiFailure(ctx, `Error reading policy named ${name}`, err);
    }
    if (rules === '') {
      ctx.ui.error(`No policy named: ${name}`);
      return 2;
    }
    if (ctx.format === 'table') {
      ctx.ui.output(rules.trim());
      return 0;
    }
    return outputData(ctx.ui, { policy: rules });
  },
};
