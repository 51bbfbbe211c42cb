import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { ensureTrailingSlash, sanitizePath } from '../kv/paths.js';
import { CONFIG_FLAGS, DESCRIPTION_FLAG, TTL_FLAGS } from '../mounts/flags.js';
import { tuneBody } from '../mounts/tune.js';

export const secretsTuneCommand: Command = {
  name: 'secrets tune',
  synopsis: 'Tune a secrets engine configuration',
  help: `
Usage: ${CLI_NAME} secrets tune [options] PATH

  Tunes the configuration options for the secrets engine at the given PATH.
  The argument corresponds to the PATH where the secrets engine is enabled,
  not the TYPE!

      $ ${CLI_NAME} secrets tune -default-lease-ttl=72h pki/
      $ ${CLI_NAME} secrets tune -version=2 secret/`,
  flagSets: ['http'],
  flags: [DESCRIPTION_FLAG, ...TTL_FLAGS, ...CONFIG_FLAGS],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const path = ensureTrailingSlash(sanitizePath(ctx.args[0]!));
    try {
      await ctx.client().request('POST', `sys/mounts/${path}tune`, { body: tuneBody(ctx) });
    } catch (err) {
      return apiFailure(ctx, `Error tuning secrets engine ${path}`, err);
    }
    ctx.ui.output(`Success! Tuned the secrets engine at: ${path}`);
    return 0;
  },
};
