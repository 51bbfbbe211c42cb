// "list" and "kv list": LIST a path and print its keys, with the same
// answers for an empty or missing listing.
import type { ApiClient } from '../api/client.js';
import { listKeys, outputData, outputList, outputSecret } from '../format/output.js';
import { apiFailure } from './command.js';
import type { Context } from './context.js';

export interface ListOptions {
  /** Print a response-wrapped answer as the secret it is (only "list" does). */
  showWrapped: boolean;
}

export async function listPath(ctx: Context, client: ApiClient, path: string, options: ListOptions): Promise<number> {
  let secret;
  try {
    secret = await client.list(path);
  } catch (err) {
    return apiFailure(ctx, `Error listing ${path}`, err);
  }
  const keys = listKeys(secret);
  if (ctx.format !== 'table' && (!secret || !secret.data || !keys)) {
    outputData(ctx.ui, {});
    return 2;
  }
  if (!secret) {
    ctx.ui.error(`No value found at ${path}`);
    return 2;
  }
  if (!secret.data) return outputSecret(ctx.ui, secret);
  if (!keys) {
    ctx.ui.error(`No entries found at ${path}`);
    return 2;
  }
  if (options.showWrapped && secret.wrap_info && (secret.wrap_info.ttl ?? 0) !== 0) return outputSecret(ctx.ui, secret);
  return outputList(ctx.ui, secret, ctx.flags.bool('detailed'));
}
