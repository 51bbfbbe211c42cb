import { definePath, type FieldSchema, getJson, invalidRequest, type PathDefinition, putJson, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { TransitContext } from './context.js';

const CACHE_CONFIG_PATH = 'config/cache';

const CACHE_CONFIG_FIELDS = {
  size: { type: 'int', default: 0, description: 'Number of keys kept parsed in memory; 0 means unlimited, otherwise at least 10.' },
} satisfies Record<string, FieldSchema>;

export function pathCacheConfig(ctx: TransitContext): PathDefinition {
  return definePath({
    // Vault's path is cache-config; cache/config is accepted as well.
    pattern: 'cache(?:-config|/config)',
    fields: CACHE_CONFIG_FIELDS,
    operations: {
      read: { callback: (req) => readCacheConfig(req), summary: 'Read the key cache size.' },
      update: { callback: (req, d) => writeCacheConfig(ctx, req, d), summary: 'Set the key cache size.' },
    },
    helpSynopsis: 'Configure how many keys the mount keeps parsed in memory.',
    helpDescription: 'The cache holds parsed keys so that operations do not read storage; size 0 (the default) keeps every key, otherwise the least recently loaded keys beyond "size" are dropped.',
  });
}

export async function storedCacheSize(req: Pick<Request, 'storage'>): Promise<number> {
  return (await getJson<{ size: number }>(req.storage, CACHE_CONFIG_PATH))?.size ?? 0;
}

async function readCacheConfig(req: Request): Promise<Response> {
  return { data: { size: await storedCacheSize(req) } };
}

async function writeCacheConfig(ctx: TransitContext, req: Request, d: TypedFieldData<typeof CACHE_CONFIG_FIELDS>): Promise<Response> {
  const size = d.values.size;
  if (size !== 0 && size < 10) throw invalidRequest('size must be 0 or a value greater or equal to 10');
  await putJson(req.storage, CACHE_CONFIG_PATH, { size });
  ctx.keys.cacheSize = size;
  return { data: { size } };
}
