import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputSecret, printRawField } from '../format/output.js';

export const leaseRenewCommand: Command = {
  name: 'lease renew',
  synopsis: 'Renew the lease of a secret',
  help: `
Usage: ${CLI_NAME} lease renew [options] ID

  Renews the lease on a secret, extending the time that it can be used before
  it is revoked. The engine that issued the secret may refuse, or grant less
  than the increment asked for.

  Renew a lease:

      $ ${CLI_NAME} lease renew database/creds/readonly/2f6a614c...

  Renew a lease asking for one more hour:

      $ ${CLI_NAME} lease renew -increment=1h database/creds/readonly/2f6a614c...`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    {
      name: 'increment',
      aliases: ['i'],
      kind: 'duration',
      usage: 'Request a specific increment in seconds. The server is not required to honor this request.',
    },
  ],
  async run(ctx) {
    if (ctx.args.length !== 1) {
      ctx.ui.error(ctx.args.length === 0 ? 'Missing ID!' : `Too many arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const increment = Math.max(0, Math.trunc(ctx.flags.duration('increment') ?? 0));
    let secret;
    try {
      secret = await ctx.client().secret('PUT', 'sys/leases/renew', { body: { lease_id: ctx.args[0]!.trim(), increment } });
    } catch (err) {
      return apiFailure(ctx, 'Error renewing lease', err);
    }
    if (ctx.field && secret) return printRawField(ctx.ui, { secret }, ctx.field);
    return outputSecret(ctx.ui, secret);
  },
};
