// "secrets tune" and "auth tune" send the same kind of body.
import type { Context } from '../cli/context.js';
import { mountConfig, mountOptions } from './flags.js';

export function tuneBody(ctx: Context, extra: Record<string, string> = {}): Record<string, unknown> {
  const body = mountConfig(ctx, extra);
  if (ctx.flags.isSet('description')) body.description = ctx.flags.string('description') ?? '';
  const options = mountOptions(ctx);
  if (options) body.options = options;
  if (ctx.flags.isSet('plugin-version')) body.plugin_version = ctx.flags.string('plugin-version');
  return body;
}
