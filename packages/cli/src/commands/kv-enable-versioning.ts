import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { ensureTrailingSlash, sanitizePath } from '../kv/paths.js';

export const kvEnableVersioningCommand: Command = {
  name: 'kv enable-versioning',
  synopsis: 'Turns on versioning for a KV store',
  help: `
Usage: ${CLI_NAME} kv enable-versioning [options] KEY

  This command turns on versioning for the backend at the provided path.

      $ ${CLI_NAME} kv enable-versioning secret`,
  flagSets: ['http'],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const client = ctx.client();
    // Mount paths always end in a slash in messages.
    const mountPath = ensureTrailingSlash(sanitizePath(ctx.args[0]!));
    try {
      await client.request('POST', `sys/mounts/${mountPath}tune`, { body: { options: { version: '2' } } });
    } catch (err) {
      return apiFailure(ctx, `Error tuning secrets engine ${mountPath}`, err);
    }
    ctx.ui.output(`Success! Tuned the secrets engine at: ${mountPath}`);
    return 0;
  },
};
