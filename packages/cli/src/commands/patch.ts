import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { parseDataArgs } from '../cli/kv-args.js';
import { outputSecret, printRawField } from '../format/output.js';
import { sanitizePath } from '../kv/paths.js';

export const patchCommand: Command = {
  name: 'patch',
  synopsis: 'Patch data, configuration, and secrets',
  help: `
Usage: ${CLI_NAME} patch [options] PATH [DATA K=V...]

  Partially updates data at the given path with an HTTP PATCH request (a JSON
  merge patch): only the given keys change. Data arguments work as for
  "${CLI_NAME} write".

      $ ${CLI_NAME} patch pki/roles/example allow_localhost=false`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    {
      name: 'force',
      aliases: ['f'],
      kind: 'bool',
      usage: 'Allow the operation to continue with no key=value pairs.',
    },
  ],
  async run(ctx) {
    if (ctx.args.length < 1) {
      ctx.ui.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    if (ctx.args.length === 1 && !ctx.flags.bool('force')) {
      ctx.ui.error('Must supply data or use -force');
      return 1;
    }
    const client = ctx.client();
    const path = sanitizePath(ctx.args[0]!);
    const data = await parseDataArgs(ctx, ctx.args.slice(1));
    let secret;
    try {
      secret = await client.patch(path, data);
    } catch (err) {
      return apiFailure(ctx, `Error writing data to ${path}`, err);
    }
    if (!secret) {
      if (ctx.format === 'table') ctx.ui.info(`Success! Data written to: ${path}`);
      return 0;
    }
    if (ctx.field) return printRawField(ctx.ui, { secret }, ctx.field);
    return outputSecret(ctx.ui, secret);
  },
};
