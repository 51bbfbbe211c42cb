import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputData } from '../format/output.js';

export const tokenCapabilitiesCommand: Command = {
  name: 'token capabilities',
  synopsis: 'Print capabilities of a token on a path',
  help: `
Usage: ${CLI_NAME} token capabilities [options] [TOKEN | ACCESSOR] PATH

  Fetches the capabilities of a token or accessor for a given path. If a TOKEN
  is provided as an argument, the "/sys/capabilities" endpoint and permission
  is used. If no TOKEN is provided, the "/sys/capabilities-self" endpoint and
  permission is used with the locally authenticated token.

  List capabilities for the local token on the "secret/foo" path:

      $ ${CLI_NAME} token capabilities secret/foo

  List capabilities for a token on the "cubbyhole/foo" path:

      $ ${CLI_NAME} token capabilities 96ddf4bc-d217-f3ba-f9bd-017055595017 cubbyhole/foo

  List capabilities for a token on the "cubbyhole/foo" path via its accessor:

      $ ${CLI_NAME} token capabilities -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da cubbyhole/foo`,
  flagSets: ['http', 'format'],
  flags: [
    {
      name: 'accessor',
      kind: 'bool',
      usage: 'Treat the argument as an accessor instead of a token.',
    },
  ],
  async run(ctx) {
    let token = '';
    let path = '';
    switch (ctx.args.length) {
      case 1:
        path = ctx.args[0]!;
        break;
      case 2:
        token = ctx.args[0]!;
        path = ctx.args[1]!;
        break;
      default: {
        const which = ctx.args.length === 0 ? 'Not enough' : 'Too many';
        ctx.ui.error(`${which} arguments (expected 1-2, got ${ctx.args.length})`);
        return 1;
      }
    }
    const accessor = ctx.flags.bool('accessor');
    if (accessor && token === '') {
      ctx.ui.error(`Not enough arguments with -accessor (expected 2, got ${ctx.args.length})`);
      return 1;
    }
    const client = ctx.client();
    let data: Record<string, unknown>;
    try {
      let secret;
      if (token === '') secret = await client.secret('POST', 'sys/capabilities-self', { body: { paths: [path] } });
      else if (accessor) secret = await client.secret('POST', 'sys/capabilities-accessor', { body: { accessor: token, paths: [path] } });
      else secret = await client.secret('POST', 'sys/capabilities', { body: { token, paths: [path] } });
      data = (secret?.data as Record<string, unknown> | undefined) ?? (secret as Record<string, unknown> | null) ?? {};
    } catch (err) {
      return apiFailure(ctx, 'Error listing capabilities', err);
    }
    const raw = data[path] ?? data.capabilities;
    if (!Array.isArray(raw)) {
      ctx.ui.error('No capabilities found');
      return 1;
    }
    const capabilities = raw.map(String).sort();
    if (ctx.format === 'table') {
      ctx.ui.output(capabilities.join(', '));
      return 0;
    }
    return outputData(ctx.ui, capabilities);
  },
};
