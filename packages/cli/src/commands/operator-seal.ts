import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';

export const operatorSealCommand: Command = {
  name: 'operator seal',
  synopsis: 'Seals the server',
  help: `
Usage: ${CLI_NAME} operator seal [options]

  Seals the ${PRODUCT_NAME} server. Sealing tells the server to stop responding to any
  operations until it is unsealed. When sealed, the server discards its
  in-memory root key to unlock the data, so it is physically blocked from
  responding to operations until unsealed.

  If an unseal is in progress, sealing the server will reset the unsealing
  process. Users will have to re-enter their portions of the root key again.

      $ ${CLI_NAME} operator seal`,
  flagSets: ['http'],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    try {
      await ctx.client().request('PUT', 'sys/seal');
    } catch (err) {
      return apiFailure(ctx, 'Error sealing', err);
    }
    ctx.ui.output(`Success! ${PRODUCT_NAME} is sealed.`);
    return 0;
  },
};
