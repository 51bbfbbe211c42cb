import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { DETAILED_FLAG } from '../cli/flag-sets.js';
import { listPath } from '../cli/list-path.js';
import { MOUNT_FLAG } from '../kv/common.js';
import { resolveKeyArg } from '../kv/key-arg.js';
import { ensureTrailingSlash } from '../kv/paths.js';

export const kvListCommand: Command = {
  name: 'kv list',
  synopsis: 'List data or secrets',
  help: `
Usage: ${CLI_NAME} kv list [options] PATH

  Lists data from the key-value store at the given path. This can be used to
  list keys in a given secrets engine.

      $ ${CLI_NAME} kv list -mount=secret my-app/
      $ ${CLI_NAME} kv list secret/my-app/`,
  flagSets: ['http', 'format'],
  flags: [MOUNT_FLAG, DETAILED_FLAG],
  async run(ctx) {
    const mount = ctx.flags.string('mount');
    if (ctx.args.length > 1 || (ctx.args.length < 1 && !mount)) {
      const which = ctx.args.length < 1 ? 'Not enough' : 'Too many';
      ctx.ui.error(`${which} arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const client = ctx.client();
    const kv = await resolveKeyArg(ctx, client, ctx.args[0] ?? '');
    if (typeof kv === 'number') return kv;
    const fullPath = kv.v2 ? kv.api('metadata') : ensureTrailingSlash(kv.v1Path);
    return listPath(ctx, client, fullPath, { showWrapped: false });
  },
};
