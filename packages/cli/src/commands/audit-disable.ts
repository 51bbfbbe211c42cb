import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { ensureTrailingSlash, sanitizePath } from '../kv/paths.js';

export const auditDisableCommand: Command = {
  name: 'audit disable',
  synopsis: 'Disables an audit device',
  help: `
Usage: ${CLI_NAME} audit disable [options] PATH

  Disables an audit device. Once an audit device is disabled, no future audit
  logs are dispatched to it. The data associated with the audit device is not
  affected.

  The argument corresponds to the PATH of audit device, not the TYPE!

      $ ${CLI_NAME} audit disable file/`,
  flagSets: ['http'],
  async run(ctx) {
    if (ctx.args.length !== 1) {
      const which = ctx.args.length < 1 ? 'Not enough' : 'Too many';
      ctx.ui.error(`${which} arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const path = ensureTrailingSlash(sanitizePath(ctx.args[0]!));
    try {
      await ctx.client().request('DELETE', `sys/audit/${path}`);
    } catch (err) {
      return apiFailure(ctx, 'Error disabling audit device', err);
    }
    ctx.ui.output(`Success! Disabled audit device (if it was enabled) at: ${path}`);
    return 0;
  },
};
