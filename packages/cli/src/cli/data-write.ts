// "write" and "patch": PATH plus key=value data, sent with PUT or PATCH;
// everything else about the two commands is the same.
import { apiFailure } from './command.js';
import type { Context } from './context.js';
import { parseDataArgs } from './kv-args.js';
import { outputWriteResult } from './write-result.js';
import { sanitizePath } from '../kv/paths.js';

export async function runDataWrite(ctx: Context, method: 'write' | 'patch'): Promise<number> {
  if (ctx.args.length < 1) {
    ctx.ui.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
    return 1;
  }
  if (ctx.args.length === 1 && !ctx.flags.bool('force')) {
    ctx.ui.error('Must supply data or use -force');
    return 1;
  }
  const client = ctx.client();
  const path = sanitizePath(ctx.args[0]!);
  const data = await parseDataArgs(ctx, ctx.args.slice(1));
  let secret;
  try {
    secret = method === 'patch' ? await client.patch(path, data) : await client.write(path, data);
  } catch (err) {
    return apiFailure(ctx, `Error writing data to ${path}`, err);
  }
  return outputWriteResult(ctx, secret, `Success! Data written to: ${path}`);
}
