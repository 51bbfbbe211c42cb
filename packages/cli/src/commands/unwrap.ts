import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { listKeys, outputList, outputSecret, printRawField } from '../format/output.js';

export const unwrapCommand: Command = {
  name: 'unwrap',
  synopsis: 'Unwrap a wrapped secret',
  help: `
Usage: ${CLI_NAME} unwrap [options] [TOKEN]

  Unwraps a wrapped secret from the server by the given token. The result is
  the same as the "${CLI_NAME} read" operation on the non-wrapped secret. If no
  token is given, the data in the currently authenticated token is unwrapped.

  Unwrap the data in the cubbyhole secrets engine for a token:

      $ ${CLI_NAME} unwrap 3de9ece1-b347-e143-29b0-dc2dc31caafd

  Unwrap the data in the active token:

      $ ${CLI_NAME} login 848f9ccf-7176-098c-5e2b-75a0689d41cd
      $ ${CLI_NAME} unwrap # unwraps 848f9ccf...`,
  flagSets: ['http', 'field', 'format'],
  async run(ctx) {
    if (ctx.args.length > 1) {
      ctx.ui.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
      return 1;
    }
    const token = (ctx.args[0] ?? '').trim();
    let secret;
    try {
      secret = await ctx.client().unwrap(token);
    } catch (err) {
      return apiFailure(ctx, 'Error unwrapping', err);
    }
    if (!secret) {
      ctx.ui.error('Could not find wrapped response');
      return 2;
    }
    if (ctx.field) return printRawField(ctx.ui, { secret }, ctx.field);
    // A wrapped list response is shown as a list.
    if (listKeys(secret)) return outputList(ctx.ui, secret);
    return outputSecret(ctx.ui, secret);
  },
};
