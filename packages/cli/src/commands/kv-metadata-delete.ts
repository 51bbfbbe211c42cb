import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { MOUNT_FLAG, outputKvSimple } from '../kv/common.js';
import { metadataTarget } from '../kv/key-arg.js';

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
    const target = await metadataTarget(ctx);
    if (typeof target === 'number') return target;
    const { client, fullPath } = target;
    let secret;
    try {
      secret = await client.delete(fullPath);
    } catch (err) {
      return apiFailure(ctx, `Error deleting ${fullPath}`, err);
    }
    return outputKvSimple(ctx, `Success! Data deleted (if it existed) at: ${fullPath}`, secret);
  },
};
