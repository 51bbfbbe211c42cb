import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';

export const policyDeleteCommand: Command = {
  name: 'policy delete',
  synopsis: 'Deletes a policy by name',
  help: `
Usage: ${CLI_NAME} policy delete [options] NAME

  Deletes the policy named NAME from the server. Once the policy is deleted,
  all tokens associated with the policy are affected immediately.

      $ ${CLI_NAME} policy delete my-policy

  Note that it is not possible to delete the "default" or "root" policies.
  These are built-in policies.`,
  flagSets: ['http'],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const name = ctx.args[0]!.trim().toLowerCase();
    try {
      await ctx.client().request('DELETE', `sys/policies/acl/${name}`);
    } catch (err) {
      return apiFailure(ctx, `Error deleting ${name}`, err);
    }
    ctx.ui.output(`Success! Deleted policy: ${name}`);
    return 0;
  },
};
