import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputSecret } from '../format/output.js';

export const tokenLookupCommand: Command = {
  name: 'token lookup',
  synopsis: 'Display information about a token',
  help: `
Usage: ${CLI_NAME} token lookup [options] [TOKEN | ACCESSOR]

  Displays information about a token or accessor. If a TOKEN is not provided,
  the locally authenticated token is used.

  Get information about the locally authenticated token:

      $ ${CLI_NAME} token lookup

  Get information about a particular token:

      $ ${CLI_NAME} token lookup 96ddf4bc-d217-f3ba-f9bd-017055595017

  Get information about a token via its accessor:

      $ ${CLI_NAME} token lookup -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da`,
  flagSets: ['http', 'format'],
  flags: [
    {
      name: 'accessor',
      kind: 'bool',
      usage: 'Treat the argument as an accessor instead of a token. When this option is selected, the output will NOT include the token.',
    },
  ],
  async run(ctx) {
    if (ctx.args.length > 1) {
      ctx.ui.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
      return 1;
    }
    const token = (ctx.args[0] ?? '').trim();
    const accessor = ctx.flags.bool('accessor');
    if (token === '' && accessor) {
      ctx.ui.error(`Not enough arguments with -accessor (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const client = ctx.client();
    let secret;
    try {
      if (token === '') secret = await client.secret('GET', 'auth/token/lookup-self');
      else if (accessor) secret = await client.secret('POST', 'auth/token/lookup-accessor', { body: { accessor: token } });
      else secret = await client.secret('POST', 'auth/token/lookup', { body: { token } });
    } catch (err) {
      return apiFailure(ctx, 'Error looking up token', err);
    }
    return outputSecret(ctx.ui, secret);
  },
};
