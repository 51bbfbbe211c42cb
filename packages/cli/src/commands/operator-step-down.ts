import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';

export const operatorStepDownCommand: Command = {
  name: 'operator step-down',
  synopsis: 'Forces the active node to give up active duty',
  help: `
Usage: ${CLI_NAME} operator step-down [options]

  Forces the active ${PRODUCT_NAME} node of an HA cluster to step down: it gives up
  the HA lock, and one of the standbys takes over. The node that stepped down
  waits a few seconds before it contends for the lock again. Sent to a
  standby, the request is forwarded to the active node. Without HA this does
  nothing. This command needs a token with sudo on sys/step-down.

  Force the active node to step down:

      $ ${CLI_NAME} operator step-down`,
  flagSets: ['http'],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    try {
      await ctx.client().request('PUT', 'sys/step-down');
    } catch (err) {
      return apiFailure(ctx, 'Error stepping down', err);
    }
    ctx.ui.output(`Success! Stepped down: ${ctx.client().address}`);
    return 0;
  },
};
