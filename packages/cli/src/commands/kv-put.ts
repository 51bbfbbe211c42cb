import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { parseDataArgs } from '../cli/kv-args.js';
import { MOUNT_FLAG, outputKvWrite } from '../kv/common.js';
import { resolveKeyArg } from '../kv/key-arg.js';

export const kvPutCommand: Command = {
  name: 'kv put',
  synopsis: 'Sets or updates data in the KV store',
  help: `
Usage: ${CLI_NAME} kv put [options] KEY [DATA]

  Writes the data to the given path in the key-value store. The data can be of
  any type.

      $ ${CLI_NAME} kv put -mount=secret foo bar=baz

  The path-like syntax works too (for KV v2 the API path is secret/data/foo):

      $ ${CLI_NAME} kv put secret/foo bar=baz

  Values can come from a file ("@") or stdin ("-"):

      $ ${CLI_NAME} kv put -mount=secret foo @data.json
      $ echo "abcd1234" | ${CLI_NAME} kv put -mount=secret foo bar=-

  To perform a Check-And-Set operation, give the version the key must be at:

      $ ${CLI_NAME} kv put -mount=secret -cas=1 foo bar=baz`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    {
      name: 'cas',
      kind: 'int',
      default: -1,
      usage:
        'Specifies to use a Check-And-Set operation. If not set the write will be allowed. If set to 0 a write will only be allowed if the key doesn\'t exist. If the index is non-zero the write will only be allowed if the key\'s current version matches the version specified in the cas parameter.',
    },
    MOUNT_FLAG,
  ],
  async run(ctx) {
    if (ctx.args.length < 1) {
      ctx.ui.error(`Not enough arguments (expected >1, got ${ctx.args.length})`);
      return 1;
    }
    if (ctx.args.length === 1) {
      ctx.ui.error('Must supply data');
      return 1;
    }
    const client = ctx.client();
    const data = await parseDataArgs(ctx, ctx.args.slice(1));
    const kv = await resolveKeyArg(ctx, client);
    if (typeof kv === 'number') return kv;
    let body: unknown = data;
    let fullPath = kv.v1Path;
    if (kv.v2) {
      fullPath = kv.api('data');
      const options: Record<string, unknown> = {};
      const cas = ctx.flags.int('cas') ?? -1;
      if (cas > -1) options.cas = cas;
      body = { data, options };
    }
    let secret;
    try {
      secret = await client.write(fullPath, body);
    } catch (err) {
      return apiFailure(ctx, `Error writing data to ${fullPath}`, err);
    }
    return outputKvWrite(ctx, fullPath, secret);
  },
};
