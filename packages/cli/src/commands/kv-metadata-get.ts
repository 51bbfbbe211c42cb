import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputData, outputSecret, printRawField } from '../format/output.js';
import { MOUNT_FLAG } from '../kv/common.js';
import { metadataTarget } from '../kv/key-arg.js';
import { headerForMap, outputPath } from '../kv/paths.js';

export const kvMetadataGetCommand: Command = {
  name: 'kv metadata get',
  synopsis: 'Retrieves key metadata from the KV store',
  help: `
Usage: ${CLI_NAME} kv metadata get [options] KEY

  Retrieves the metadata from the key-value store at the given key name. If no
  key exists with that name, an error is returned.

      $ ${CLI_NAME} kv metadata get -mount=secret foo`,
  flagSets: ['http', 'field', 'format'],
  flags: [MOUNT_FLAG],
  async run(ctx) {
    const target = await metadataTarget(ctx);
    if (typeof target === 'number') return target;
    const { client, fullPath } = target;
    let secret;
    try {
      secret = await client.read(fullPath);
    } catch (err) {
      return apiFailure(ctx, `Error reading ${fullPath}`, err);
    }
    if (!secret) {
      ctx.ui.error(`No value found at ${fullPath}`);
      return 2;
    }
    if (ctx.field) return printRawField(ctx.ui, { secret }, ctx.field);
    if (secret.wrap_info || ctx.format !== 'table') return outputSecret(ctx.ui, secret);

    const versions = secret.data?.versions as Record<string, Record<string, unknown>> | null | undefined;
    if (!versions) {
      ctx.ui.error(`No value found at ${fullPath}`);
      outputSecret(ctx.ui, secret);
      return 2;
    }
    const metadata = { ...(secret.data ?? {}) };
    delete metadata.versions;
    outputPath(ctx.ui, fullPath, 'Metadata Path');
    ctx.ui.info(headerForMap('Metadata', metadata));
    outputSecret(ctx.ui, { ...secret, data: metadata });
    const numbers = Object.keys(versions)
      .map((k) => Number.parseInt(k, 10))
      .filter((n) => !Number.isNaN(n))
      .sort((a, b) => a - b);
    for (const n of numbers) {
      const version = versions[String(n)] ?? {};
      ctx.ui.info('\n' + headerForMap(`Version ${n}`, version));
      outputData(ctx.ui, version);
    }
    return 0;
  },
};
