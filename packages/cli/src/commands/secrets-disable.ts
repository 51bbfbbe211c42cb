import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { ensureTrailingSlash, sanitizePath } from '../kv/paths.js';

export const secretsDisableCommand: Command = {
  name: 'secrets disable',
  synopsis: 'Disable a secret engine',
  help: `
Usage: ${CLI_NAME} secrets disable [options] PATH

  Disables a secrets engine at the given PATH. The argument corresponds to the
  enabled PATH of the engine, not the TYPE! All secrets created by this engine
  are revoked and its data is deleted.

      $ ${CLI_NAME} secrets disable aws/`,
  flagSets: ['http'],
  async run(ctx) {
    if (ctx.args.length !== 1) {
      const which = ctx.args.length < 1 ? 'Not enough' : 'Too many';
      ctx.ui.error(`${which} arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const path = ensureTrailingSlash(sanitizePath(ctx.args[0]!));
    try {
      await ctx.client().request('DELETE', `sys/mounts/${path}`);
    } catch (err) {
      return apiFailure(ctx, `Error disabling secrets engine at ${path}`, err);
    }
    ctx.ui.output(`Success! Disabled the secrets engine (if it existed) at: ${path}`);
    return 0;
  },
};
