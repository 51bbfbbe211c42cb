import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputKvSimple } from '../kv/common.js';
import { metadataTarget } from '../kv/key-arg.js';
import { METADATA_FLAGS, metadataBody } from '../kv/metadata-flags.js';

export const kvMetadataPutCommand: Command = {
  name: 'kv metadata put',
  synopsis: 'Sets or updates key settings in the KV store',
  help: `
Usage: ${CLI_NAME} kv metadata put [options] KEY

  This command can be used to create a blank key in the key-value store or to
  update key configuration for a specified key.

  Create a key in the key-value store with no data:

      $ ${CLI_NAME} kv metadata put -mount=secret foo

  Set a max versions setting on the key:

      $ ${CLI_NAME} kv metadata put -mount=secret -max-versions=5 foo

  Set custom metadata on the key:

      $ ${CLI_NAME} kv metadata put -mount=secret -custom-metadata=foo=abc -custom-metadata=bar=123 foo`,
  flagSets: ['http', 'format'],
  flags: METADATA_FLAGS,
  async run(ctx) {
    const target = await metadataTarget(ctx);
    if (typeof target === 'number') return target;
    const { client, fullPath } = target;
    let secret;
    try {
      secret = await client.write(fullPath, metadataBody(ctx));
    } catch (err) {
      return apiFailure(ctx, `Error writing data to ${fullPath}`, err);
    }
    return outputKvSimple(ctx, `Success! Data written to: ${fullPath}`, secret);
  },
};
