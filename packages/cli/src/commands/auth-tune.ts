import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { ensureTrailingSlash, sanitizePath } from '../kv/paths.js';
import { CONFIG_FLAGS, DESCRIPTION_FLAG, TTL_FLAGS } from '../mounts/flags.js';
import { tuneBody } from '../mounts/tune.js';
import { TOKEN_TYPE_FLAG } from './auth-enable.js';

export const authTuneCommand: Command = {
  name: 'auth tune',
  synopsis: 'Tunes an auth method configuration',
  help: `
Usage: ${CLI_NAME} auth tune [options] PATH

  Tunes the configuration options for the auth method at the given PATH. The
  argument corresponds to the PATH where the auth method is enabled, not the
  TYPE!

      $ ${CLI_NAME} auth tune -default-lease-ttl=72h github/`,
  flagSets: ['http'],
  flags: [DESCRIPTION_FLAG, ...TTL_FLAGS, ...CONFIG_FLAGS, TOKEN_TYPE_FLAG],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const path = ensureTrailingSlash(sanitizePath(ctx.args[0]!));
    try {
      await ctx.client().request('POST', `sys/mounts/auth/${path}tune`, {
        body: tuneBody(ctx, { 'token-type': 'token_type' }),
      });
    } catch (err) {
      return apiFailure(ctx, `Error tuning auth method ${path}`, err);
    }
    ctx.ui.output(`Success! Tuned the auth method at: ${path}`);
    return 0;
  },
};
