import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputSecret, printRawField } from '../format/output.js';

export const tokenRenewCommand: Command = {
  name: 'token renew',
  synopsis: 'Renew a token lease',
  help: `
Usage: ${CLI_NAME} token renew [options] [TOKEN]

  Renews a token's lease, extending the amount of time it can be used. If a
  TOKEN is not provided, the locally authenticated token is used. A token
  accessor can be used as well. Lease renewal will fail if the token is not
  renewable, the token has already been revoked, or if the token has already
  reached its maximum TTL.

  Renew a token (this uses the /auth/token/renew endpoint and permission):

      $ ${CLI_NAME} token renew 96ddf4bc-d217-f3ba-f9bd-017055595017

  Renew the currently authenticated token:

      $ ${CLI_NAME} token renew

  Renew a token requesting a specific increment value:

      $ ${CLI_NAME} token renew -increment=30m 96ddf4bc-d217-f3ba-f9bd-017055595017`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    {
      name: 'increment',
      aliases: ['i'],
      kind: 'duration',
      usage:
        'Request a specific increment for renewal. The server is not required to honor this request. If not supplied, the server will use the default TTL. This is specified as a numeric string with suffix like "30s" or "5m".',
    },
    {
      name: 'accessor',
      kind: 'bool',
      usage: 'Treat the argument as an accessor instead of a token. When this option is selected, the output will NOT include the token.',
    },
  ],
  async run(ctx) {
    if (ctx.args.length > 1) {
      ctx.ui.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const token = (ctx.args[0] ?? '').trim();
    // Increments are whole seconds; anything under a second means "default".
    const increment = Math.max(0, Math.trunc(ctx.flags.duration('increment') ?? 0));
    const client = ctx.client();
    let secret;
    try {
      if (token === '') secret = await client.secret('PUT', 'auth/token/renew-self', { body: { increment } });
      else if (ctx.flags.bool('accessor'))
        secret = await client.secret('PUT', 'auth/token/renew-accessor', { body: { accessor: token, increment } });
      else secret = await client.secret('PUT', 'auth/token/renew', { body: { token, increment } });
    } catch (err) {
      return apiFailure(ctx, 'Error renewing token', err);
    }
    if (ctx.field && secret) return printRawField(ctx.ui, { secret }, ctx.field);
    return outputSecret(ctx.ui, secret);
  },
};
