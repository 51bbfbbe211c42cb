import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputKvSimple } from '../kv/common.js';
import { metadataTarget } from '../kv/key-arg.js';
import { METADATA_FLAGS, metadataBody } from '../kv/metadata-flags.js';

export const kvMetadataPatchCommand: Command = {
  name: 'kv metadata patch',
  synopsis: 'Patches key settings in the KV store',
  help: `
Usage: ${CLI_NAME} kv metadata patch [options] KEY

  Updates only the given settings of a key's metadata (an HTTP PATCH); the
  other settings keep their values.

      $ ${CLI_NAME} kv metadata patch -mount=secret -max-versions=5 foo
      $ ${CLI_NAME} kv metadata patch -mount=secret -remove-custom-metadata=bar foo`,
  flagSets: ['http', 'format'],
  flags: [
    ...METADATA_FLAGS,
    {
      name: 'remove-custom-metadata',
      kind: 'list',
      usage: 'Key to remove from custom metadata. To specify multiple values, specify this flag multiple times.',
    },
  ],
  async run(ctx) {
    const target = await metadataTarget(ctx);
    if (typeof target === 'number') return target;
    const { client, fullPath } = target;
    const body = metadataBody(ctx);
    const remove = ctx.flags.list('remove-custom-metadata');
    if (remove.length > 0) {
      const custom: Record<string, unknown> = { ...((body.custom_metadata as Record<string, unknown>) ?? {}) };
      // A null in a JSON merge patch removes the key.
      for (const key of remove) custom[key] = null;
      body.custom_metadata = custom;
    }
    let secret;
    try {
      secret = await client.patch(fullPath, body);
    } catch (err) {
      return apiFailure(ctx, `Error writing data to ${fullPath}`, err);
    }
    return outputKvSimple(ctx, `Success! Data written to: ${fullPath}`, secret);
  },
};
