import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { parseDataArgs } from '../cli/kv-args.js';
import { outputSecret, printRawField } from '../format/output.js';
import { sanitizePath } from '../kv/paths.js';

export const writeCommand: Command = {
  name: 'write',
  synopsis: 'Write data, configuration, and secrets',
  help: `
Usage: ${CLI_NAME} write [options] PATH [DATA K=V...]

  Writes data to the server at the given path. The data can be credentials,
  secrets, configuration, or arbitrary data.

  Data is given as key=value pairs. A value beginning with "@" is read from
  the file named after it; a value of "-" is read from stdin. An argument of
  "@file.json" or "-" alone supplies a whole JSON object.

      $ ${CLI_NAME} write secret/password value=itsasecret
      $ ${CLI_NAME} write auth/userpass/users/alice password=@password.txt
      $ echo '{"value":"x"}' | ${CLI_NAME} write secret/foo -

  Use -force to write to a path that takes no data:

      $ ${CLI_NAME} write -force auth/approle/role/my-role/secret-id`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    {
      name: 'force',
      aliases: ['f'],
      kind: 'bool',
      usage: 'Allow the operation to continue with no key=value pairs. This allows writing to keys that do not need or expect data.',
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
      secret = await client.write(path, data);
    } catch (err) {
      return apiFailure(ctx, `Error writing data to ${path}`, err);
    }
    if (!secret) {
      // Nothing to show: only the table format prints a note.
      if (ctx.format === 'table') ctx.ui.info(`Success! Data written to: ${path}`);
      return 0;
    }
    if (ctx.field) return printRawField(ctx.ui, { secret }, ctx.field);
    return outputSecret(ctx.ui, secret);
  },
};
