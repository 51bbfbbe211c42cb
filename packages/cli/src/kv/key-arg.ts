// The steps the kv commands take before their own request: check the KEY
// argument, then make the pre-flight request that finds the mount and its
// KV version. Each helper prints its own error and hands back the exit code,
// so a command only has to return it.
import type { ApiClient } from '../api/client.js';
import { argCountError, EXIT_API, EXIT_USAGE } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { resolveKvPath, type ResolvedKvPath } from './paths.js';

/** What a v2-only command prints, and exits with, on a KV v1 mount. */
export interface NotV2 {
  message: string;
  code: number;
}

export const METADATA_NOT_V2: NotV2 = { message: 'Metadata not supported on KV Version 1', code: EXIT_USAGE };

/** Vault's check for exactly one KEY argument; the exit code when it fails. */
export function oneKeyArgError(ctx: Context): number | undefined {
  return argCountError(ctx, '1', 1, 1);
}

/**
 * Resolves KEY (the first argument unless given) and -mount with the
 * pre-flight request; when that fails it prints the error and returns the
 * API-error exit code instead.
 */
export async function resolveKeyArg(ctx: Context, client: ApiClient, keyArg: string = ctx.args[0]!): Promise<ResolvedKvPath | number> {
  try {
    return await resolveKvPath(client, keyArg, ctx.flags.string('mount'));
  } catch (err) {
    ctx.ui.error((err as Error).message);
    return EXIT_API;
  }
}

/** resolveKeyArg for commands that only work on KV v2 mounts. */
export async function resolveV2KeyArg(ctx: Context, client: ApiClient, notV2: NotV2): Promise<ResolvedKvPath | number> {
  const kv = await resolveKeyArg(ctx, client);
  if (typeof kv === 'number' || kv.v2) return kv;
  ctx.ui.error(notV2.message);
  return notV2.code;
}

/**
 * A kv command's usual start: exactly one KEY argument, the API client, and
 * the resolved path (on a KV v2 mount only, when `notV2` is given).
 */
export async function keyTarget(ctx: Context, notV2?: NotV2): Promise<{ client: ApiClient; kv: ResolvedKvPath } | number> {
  const usage = oneKeyArgError(ctx);
  if (usage !== undefined) return usage;
  const client = ctx.client();
  const kv = notV2 ? await resolveV2KeyArg(ctx, client, notV2) : await resolveKeyArg(ctx, client);
  if (typeof kv === 'number') return kv;
  return { client, kv };
}

/** The "kv metadata" commands: one KEY, a v2 mount, and its metadata/ API path. */
export async function metadataTarget(ctx: Context): Promise<{ client: ApiClient; fullPath: string } | number> {
  const target = await keyTarget(ctx, METADATA_NOT_V2);
  if (typeof target === 'number') return target;
  return { client: target.client, fullPath: target.kv.api('metadata') };
}
