import { ResponseError } from '../api/errors.js';
import type { ApiClient } from '../api/client.js';
import type { Secret } from '../api/secret.js';
import { CLI_NAME } from '../cli/branding.js';
import { type Command } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { parseDataArgs } from '../cli/kv-args.js';
import { MOUNT_FLAG, outputKvWrite } from '../kv/common.js';
import { resolveV2KeyArg } from '../kv/key-arg.js';
import { preRead } from '../kv/pre-read.js';

type Outcome = { secret: Secret | null } | { code: number };

export const kvPatchCommand: Command = {
  name: 'kv patch',
  synopsis: 'Sets or updates data in the KV store without overwriting',
  help: `
Usage: ${CLI_NAME} kv patch [options] KEY [DATA]

  *NOTE*: This is only supported for KV v2 engine mounts.

  Writes the data to the given path in the key-value store, keeping the keys
  that are not given.

      $ ${CLI_NAME} kv patch -mount=secret foo bar=baz

  By default an HTTP PATCH is tried first; if it is refused (405, or 403
  because the policy lacks "patch") a read-modify-write is done instead.
  -method=patch only tries PATCH; -method=rw only does read-modify-write.

      $ ${CLI_NAME} kv patch -mount=secret -method=rw foo bar=baz

  To remove keys:

      $ ${CLI_NAME} kv patch -mount=secret -remove-data=bar foo`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    {
      name: 'cas',
      kind: 'int',
      default: 0,
      usage:
        'Specifies to use a Check-And-Set operation. If set to 0 or not set, the patch will be allowed. If the index is non-zero the patch will only be allowed if the key\'s current version matches the version specified in the cas parameter.',
    },
    {
      name: 'method',
      kind: 'string',
      usage:
        'Specifies which method of patching to use. If set to "patch", then an HTTP PATCH request will be issued. If set to "rw", then a read will be performed, then a local update, followed by a remote update.',
    },
    MOUNT_FLAG,
    {
      name: 'remove-data',
      kind: 'list',
      usage: 'Key to remove from data. To specify multiple values, specify this flag multiple times.',
    },
  ],
  async run(ctx) {
    const removeData = ctx.flags.list('remove-data');
    if (ctx.args.length < 1) {
      ctx.ui.error(`Not enough arguments (expected >1, got ${ctx.args.length})`);
      return 1;
    }
    if (removeData.length === 0 && ctx.args.length === 1) {
      ctx.ui.error('Must supply data');
      return 1;
    }
    const client = ctx.client();
    const newData = await parseDataArgs(ctx, ctx.args.slice(1));
    // A null in a JSON merge patch removes the key.
    for (const key of removeData) newData[key] = null;
    const kv = await resolveV2KeyArg(ctx, client, {
      message: 'KV engine mount must be version 2 for patch support',
      code: 2,
    });
    if (typeof kv === 'number') return kv;
    const fullPath = kv.api('data');
    const method = ctx.flags.string('method') ?? '';
    let outcome: Outcome;
    switch (method) {
      case 'rw':
        outcome = await readThenWrite(ctx, client, fullPath, newData);
        break;
      case 'patch':
        outcome = await mergePatch(ctx, client, fullPath, newData, false);
        break;
      case '':
        outcome = await mergePatch(ctx, client, fullPath, newData, true);
        break;
      default:
        ctx.ui.error(`Unsupported method provided to -method flag: ${method}`);
        return 2;
    }
    if ('code' in outcome) return outcome.code;
    return outputKvWrite(ctx, fullPath, outcome.secret);
  },
};

async function mergePatch(
  ctx: Context,
  client: ApiClient,
  path: string,
  newData: Record<string, unknown>,
  fallback: boolean,
): Promise<Outcome> {
  const options: Record<string, unknown> = {};
  const cas = ctx.flags.int('cas') ?? 0;
  if (cas > 0) options.cas = cas;
  try {
    return { secret: await client.patch(path, { data: newData, options }) };
  } catch (err) {
    if (fallback && err instanceof ResponseError) {
      // 405: a server without PATCH support; 403: the policy lacks "patch".
      if (err.statusCode === 405) return readThenWrite(ctx, client, path, newData);
      if (err.statusCode === 403) {
        ctx.ui.warn(
          `Data was written to ${path} but we recommend that you add the "patch" capability to your ACL policy in order to use HTTP PATCH in the future.`,
        );
        return readThenWrite(ctx, client, path, newData);
      }
    }
    ctx.ui.error(`Error writing data to ${path}: ${(err as Error).message}`);
    return { code: 2 };
  }
}

async function readThenWrite(ctx: Context, client: ApiClient, path: string, newData: Record<string, unknown>): Promise<Outcome> {
  const current = await preRead(ctx, client, path, undefined, 'patch');
  if (typeof current === 'number') return { code: current };
  const meta = current.metadata;
  const data = current.body.data;
  if (!data || typeof data !== 'object') {
    ctx.ui.error(`No data found at ${path}; patch only works on existing data`);
    return { code: 2 };
  }
  const merged: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const [k, v] of Object.entries(newData)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  try {
    const secret = await client.write(path, {
      data: merged,
      options: { cas: meta.version },
    });
    return { secret };
  } catch (err) {
    ctx.ui.error(`Error writing data to ${path}: ${(err as Error).message}`);
    return { code: 2 };
  }
}
