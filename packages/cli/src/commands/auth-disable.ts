import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { ensureTrailingSlash, sanitizePath } from '../kv/paths.js';

export const authDisableCommand: Command = {
  name: 'auth disable',
  synopsis: 'Disables an auth method',
  help: `
Usage: ${CLI_NAME} auth disable [options] PATH

  Disables an existing auth method at the given PATH. The argument corresponds
  to the PATH of the mount, not the TYPE! Once the auth method is disabled its
  path can no longer be used to authenticate.

  All access tokens generated via the disabled auth method are immediately
  revoked.

      $ ${CLI_NAME} auth disable userpass/`,
  flagSets: ['http'],
  async run(ctx) {
    if (ctx.args.length !== 1) {
      const which = ctx.args.length < 1 ? 'Not enough' : 'Too many';
      ctx.ui.error(`${which} arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const path = ensureTrailingSlash(sanitizePath(ctx.args[0]!));
    try {
      await ctx.client().request('DELETE', `sys/auth/${path}`);
    } catch (err) {
      return apiFailure(ctx, `Error disabling auth method at ${path}`, err);
    }
    ctx.ui.output(`Success! Disabled the auth method (if it existed) at: ${path}`);
    return 0;
  },
};
