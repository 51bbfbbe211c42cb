import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputWriteResult } from '../cli/write-result.js';
import { sanitizePath } from '../kv/paths.js';
import { dataArgsAsQuery } from './read.js';

export const deleteCommand: Command = {
  name: 'delete',
  synopsis: 'Delete secrets and configuration',
  help: `
Usage: ${CLI_NAME} delete [options] PATH [KEY=VALUE ...]

  Deletes secrets and configuration from the server at the given path. What
  "delete" means depends on the engine mounted there. Extra KEY=VALUE
  arguments are sent as query parameters.

      $ ${CLI_NAME} delete secret/my-secret
      $ ${CLI_NAME} delete transit/keys/my-key`,
  flagSets: ['http', 'field', 'format'],
  async run(ctx) {
    if (ctx.args.length < 1) {
      ctx.ui.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const client = ctx.client();
    const path = sanitizePath(ctx.args[0]!);
    const query = await dataArgsAsQuery(ctx, ctx.args.slice(1));
    let secret;
    try {
      secret = await client.delete(path, query);
    } catch (err) {
      return apiFailure(ctx, `Error deleting ${path}`, err);
    }
    return outputWriteResult(ctx, secret, `Success! Data deleted (if it existed) at: ${path}`);
  },
};
