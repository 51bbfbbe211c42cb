import { CLI_NAME } from '../cli/branding.js';
import { argCountError, type Command } from '../cli/command.js';
import { DETAILED_FLAG } from '../cli/flag-sets.js';
import { listPath } from '../cli/list-path.js';
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
    return listPath(ctx, client, path, { showWrapped: true });
  },
};
