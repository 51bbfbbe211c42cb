import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { MOUNT_FLAG, outputKvSimple } from '../kv/common.js';
import { resolveKvPath } from '../kv/paths.js';

export const kvMetadataDeleteCommand: Command = {
  name: 'kv metadata delete',
  synopsis: 'Deletes all versions and metadata for a key in the KV store',
  help: `
Usage: ${CLI_NAME} kv metadata delete [options] PATH

  Deletes all versions and metadata for the provided key.

      $ ${CLI_NAME} kv metadata delete -mount=secret foo`,
  flagSets: ['http', 'format'],
  flags: [MOUNT_FLAG],
  async run(ctx) {
    if (ctx.args.length !== 1) {
      const which = ctx.args.length < 1 ? 'Not enough' : 'Too many';
      ctx.ui.error(`${which} arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const client = ctx.client();
    let kv;
    try {
      kv = await resolveKvPath(client, ctx.args[0]!, ctx.flags.string('mount'));
    } catch (err) {
      ctx.ui.error((err as Error).message);
      return 2;
    }
    if (!kv.v2) {
      ctx.ui.error('Metadata not supported on KV Version 1');
      return 1;
    }
    const fullPath = kv.api('metadata');
    let secret;
    try {
      secret = await client.delete(fullPath);
    } catch (err) {
      return apiFailure(ctx, `Error deleting ${fullPath}`, err);
    }
    return outputKvSimple(ctx, `Success! Data deleted (if it existed) at: ${fullPath}`, secret);
  },
};
