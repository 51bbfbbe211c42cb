// kv undelete and kv destroy: the same request to a different v2 endpoint.
import { apiFailure } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { outputKvSimple, parseVersions } from './common.js';
import { resolveKvPath } from './paths.js';

export async function runVersionOperation(ctx: Context, operation: 'undelete' | 'destroy', title: string): Promise<number> {
  if (ctx.flags.list('versions').length === 0) {
    ctx.ui.error(`No versions provided, use the "-versions" flag to specify the version to ${operation}.`);
    return 1;
  }
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
    ctx.ui.error(`${title} not supported on KV Version 1`);
    return 1;
  }
  const fullPath = kv.api(operation);
  let secret;
  try {
    secret = await client.write(fullPath, { versions: parseVersions(ctx) });
  } catch (err) {
    return apiFailure(ctx, `Error writing data to ${fullPath}`, err);
  }
  return outputKvSimple(ctx, `Success! Data written to: ${fullPath}`, secret);
}
