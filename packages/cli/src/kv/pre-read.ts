// "kv patch" (read-modify-write) and "kv rollback" first read a version at a
// KV v2 data path, to use its metadata for check-and-set.
import type { ApiClient, Query } from '../api/client.js';
import { EXIT_API } from '../cli/command.js';
import type { Context } from '../cli/context.js';

export interface PreRead {
  /** The response's data block: { data, metadata }. */
  body: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * Reads `path` (at the version in `query`, if any) and checks it has
 * metadata; otherwise prints why `operation` cannot go on and returns the
 * API-error exit code.
 */
export async function preRead(
  ctx: Context,
  client: ApiClient,
  path: string,
  query: Query | undefined,
  operation: 'patch' | 'rollback',
): Promise<PreRead | number> {
  let secret;
  try {
    secret = await client.read(path, query, { noCurl: true });
  } catch (err) {
    ctx.ui.error(`Error doing pre-read at ${path}: ${(err as Error).message}`);
    return EXIT_API;
  }
  if (!secret || !secret.data) {
    ctx.ui.error(`No value found at ${path}`);
    return EXIT_API;
  }
  const metadata = secret.data.metadata;
  if (!metadata || typeof metadata !== 'object') {
    ctx.ui.error(`No metadata found at ${path}; ${operation} only works on existing data`);
    return EXIT_API;
  }
  return { body: secret.data, metadata: metadata as Record<string, unknown> };
}
