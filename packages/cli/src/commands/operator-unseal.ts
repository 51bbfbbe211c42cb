import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { promptHidden } from '../cli/prompt.js';
import { outputSealStatus } from '../format/seal-status.js';

export const operatorUnsealCommand: Command = {
  name: 'operator unseal',
  synopsis: 'Unseals the server',
  help: `
Usage: ${CLI_NAME} operator unseal [options] [KEY]

  Provide a portion of the root key to unseal a ${PRODUCT_NAME} server. ${PRODUCT_NAME} starts
  in a sealed state. It cannot perform operations until it is unsealed. This
  command accepts a portion of the root key (an "unseal key").

  The unseal key can be supplied as an argument to the command, but this is
  not recommended as the unseal key will be available in your history:

      $ ${CLI_NAME} operator unseal IXyR0OJnSFobekZMMCKCoVEpT7wI6l+USMzE3IcyDyo=

  Instead, run the command with no arguments and it will prompt for the key
  (without echo on a terminal; from stdin otherwise):

      $ ${CLI_NAME} operator unseal
      Unseal Key (will be hidden):`,
  flagSets: ['http', 'format'],
  flags: [
    {
      name: 'reset',
      kind: 'bool',
      usage: 'Discard any previously entered keys to the unseal process.',
    },
    {
      name: 'migrate',
      kind: 'bool',
      usage: 'Indicate that this share is provided with the intent that it is part of a seal migration process.',
    },
  ],
  async run(ctx) {
    if (ctx.args.length > 1) {
      ctx.ui.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
      return 1;
    }
    const client = ctx.client();
    if (ctx.flags.bool('reset')) {
      let status;
      try {
        status = (await client.secret('PUT', 'sys/unseal', { body: { reset: true } })) ?? {};
      } catch (err) {
        return apiFailure(ctx, 'Error resetting unseal process', err);
      }
      return outputSealStatus(ctx.ui, client, status);
    }
    let key = (ctx.args[0] ?? '').trim();
    if (key === '-') {
      key = (await ctx.readStdin()).trim();
    } else if (key === '') {
      if (ctx.flags.bool('non-interactive')) {
        ctx.ui.error('An unseal key is required: give it as the first argument or "-" to read it from stdin.');
        return 1;
      }
      key = (await promptHidden(ctx, 'Unseal Key (will be hidden): ')).trim();
    }
    const body: Record<string, unknown> = { key };
    if (ctx.flags.bool('migrate')) body.migrate = true;
    let status;
    try {
      status = (await client.secret('PUT', 'sys/unseal', { body })) ?? {};
    } catch (err) {
      return apiFailure(ctx, 'Error unsealing', err);
    }
    return outputSealStatus(ctx.ui, client, status);
  },
};
