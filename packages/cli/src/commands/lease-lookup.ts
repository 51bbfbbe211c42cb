import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputSecret, printRawField } from '../format/output.js';

export const leaseLookupCommand: Command = {
  name: 'lease lookup',
  synopsis: 'Lookup the lease of a secret',
  help: `
Usage: ${CLI_NAME} lease lookup ID

  Lookup the lease information of a secret: when it was issued, when it
  expires, when it was last renewed, whether it can be renewed, its TTL, and
  (while a failed revocation is being retried) the attempts and the error.

  Lookup a lease:

      $ ${CLI_NAME} lease lookup database/creds/readonly/2f6a614c...`,
  flagSets: ['http', 'field', 'format'],
  flags: [],
  async run(ctx) {
    if (ctx.args.length !== 1) {
      ctx.ui.error(ctx.args.length === 0 ? 'Missing ID!' : `Too many arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    let secret;
    try {
      secret = await ctx.client().secret('PUT', 'sys/leases/lookup', { body: { lease_id: ctx.args[0]!.trim() } });
    } catch (err) {
      return apiFailure(ctx, 'error looking up lease id', err);
    }
    if (ctx.field && secret) return printRawField(ctx.ui, { secret }, ctx.field);
    return outputSecret(ctx.ui, secret);
  },
};
