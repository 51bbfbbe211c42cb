// "secrets disable", "auth disable" and "audit disable": one PATH argument
// and a DELETE of the matching sys/ endpoint.
import { apiFailure, argCountError } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { ensureTrailingSlash, sanitizePath } from '../kv/paths.js';

export interface DisableMessages {
  /** "sys/mounts", "sys/auth" or "sys/audit". */
  endpoint: string;
  failure(path: string): string;
  success(path: string): string;
}

export async function disableAtPath(ctx: Context, messages: DisableMessages): Promise<number> {
  const usage = argCountError(ctx, '1', 1, 1);
  if (usage !== undefined) return usage;
  const path = ensureTrailingSlash(sanitizePath(ctx.args[0]!));
  try {
    await ctx.client().request('DELETE', `${messages.endpoint}/${path}`);
  } catch (err) {
    return apiFailure(ctx, messages.failure(path), err);
  }
  ctx.ui.output(messages.success(path));
  return 0;
}
