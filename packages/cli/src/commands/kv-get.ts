import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { outputData, outputSecret, printRawField, printWarnings } from '../format/output.js';
import { MOUNT_FLAG } from '../kv/common.js';
import { keyTarget } from '../kv/key-arg.js';
import { headerForMap, outputPath } from '../kv/paths.js';

export const kvGetCommand: Command = {
  name: 'kv get',
  synopsis: 'Retrieves data from the KV store',
  help: `
Usage: ${CLI_NAME} kv get [options] KEY

  Retrieves the value from the key-value store at the given key name. If no
  key exists with that name, an error is returned. If a key exists with that
  name but has no data, nothing is returned.

      $ ${CLI_NAME} kv get -mount=secret foo
      $ ${CLI_NAME} kv get secret/foo

  To view the given key name at a specific version in time, specify the
  "-version" flag:

      $ ${CLI_NAME} kv get -mount=secret -version=1 foo`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    { name: 'version', kind: 'int', default: 0, usage: 'If passed, the value at the version number will be returned.' },
    MOUNT_FLAG,
  ],
  async run(ctx) {
    const target = await keyTarget(ctx);
    if (typeof target === 'number') return target;
    const { client, kv } = target;
    let fullPath = kv.v1Path;
    let query: Record<string, string> | undefined;
    if (kv.v2) {
      fullPath = kv.api('data');
      const version = ctx.flags.int('version') ?? 0;
      if (version > 0) query = { version: String(version) };
    }
    let secret;
    try {
      secret = await client.read(fullPath, query);
    } catch (err) {
      return apiFailure(ctx, `Error reading ${fullPath}`, err);
    }
    if (!secret) {
      ctx.ui.error(`No value found at ${fullPath}`);
      return 2;
    }

    if (ctx.field) {
      if (!kv.v2) return printRawField(ctx.ui, { secret }, ctx.field);
      const data = secret.data?.data;
      if (data === undefined || data === null) {
        ctx.ui.error(`No data found at ${fullPath}`);
        return 2;
      }
      const map = data as Record<string, unknown>;
      // "-field=data" means the secret's own "data" key if it has one,
      // otherwise the whole data block.
      if (ctx.field === 'data' && !('data' in map)) return printRawField(ctx.ui, { secret }, 'data');
      return printRawField(ctx.ui, { map }, ctx.field);
    }

    if (secret.wrap_info || ctx.format !== 'table') return outputSecret(ctx.ui, secret);

    printWarnings(ctx.ui, secret);
    if (kv.v2) outputPath(ctx.ui, fullPath, 'Secret Path');
    const metadata = secret.data?.metadata;
    if (metadata !== undefined && metadata !== null) {
      ctx.ui.info(headerForMap('Metadata', metadata as Record<string, unknown>));
      outputData(ctx.ui, metadata);
      ctx.ui.info('');
    }
    let data: Record<string, unknown> | null | undefined = secret.data;
    if (kv.v2 && data) data = (secret.data?.data as Record<string, unknown> | null | undefined) ?? null;
    if (data) {
      ctx.ui.info(headerForMap('Data', data));
      outputData(ctx.ui, data);
    }
    return 0;
  },
};
