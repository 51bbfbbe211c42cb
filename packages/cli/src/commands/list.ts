import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { DETAILED_FLAG } from '../cli/flag-sets.js';
import { listKeys, outputData, outputList, outputSecret } from '../format/output.js';
import { ensureTrailingSlash, sanitizePath } from '../kv/paths.js';

export const listCommand: Command = {
  name: 'list',
  synopsis: 'List data or secrets',
  help: `
Usage: ${CLI_NAME} list [options] PATH

  Lists data from the server at the given path. This can be used to list keys
  in a given secrets engine.

      $ ${CLI_NAME} list secret/my-app/

  Use -detailed to show the extra information some endpoints return per key.`,
  flagSets: ['http', 'format'],
  flags: [DETAILED_FLAG],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const client = ctx.client();
    const path = ensureTrailingSlash(sanitizePath(ctx.args[0]!));
    let secret;
    try {
      secret = await client.list(path);
    } catch (err) {
      return apiFailure(ctx, `Error listing ${path}`, err);
    }
    const keys = listKeys(secret);
    if (ctx.format !== 'table' && (!secret || !secret.data || !keys)) {
      outputData(ctx.ui, {});
      return 2;
    }
    if (!secret) {
      ctx.ui.error(`No value found at ${path}`);
      return 2;
    }
    if (!secret.data) return outputSecret(ctx.ui, secret);
    if (!keys) {
      ctx.ui.error(`No entries found at ${path}`);
      return 2;
    }
    if (secret.wrap_info && (secret.wrap_info.ttl ?? 0) !== 0) return outputSecret(ctx.ui, secret);
    return outputList(ctx.ui, secret, ctx.flags.bool('detailed'));
  },
};
