// kv undelete and kv destroy: the same request to a different v2 endpoint.
import { apiFailure } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { outputKvSimple, parseVersions } from './common.js';
import { keyTarget } from './key-arg.js';

export async function runVersionOperation(ctx: Context, operation: 'undelete' | 'destroy', title: string): Promise<number> {
  if (ctx.flags.list('versions').length === 0) {
    ctx.ui.error(`No versions provided, use the "-versions" flag to specify the version to ${operation}.`);
    return 1;
  }
  const target = await keyTarget(ctx, { message: `${title} not supported on KV Version 1`, code: 1 });
  if (typeof target === 'number') return target;
  const { client, kv } = target;
  const fullPath = kv.api(operation);
  let secret;
  try {
    secret = await client.write(fullPath, { versions: parseVersions(ctx) });
  } catch (err) {
    return apiFailure(ctx, `Error writing data to ${fullPath}`, err);
  }
  return outputKvSimple(ctx, `Success! Data written to: ${fullPath}`, secret);
}
