import { getJson, type Storage } from '@coffer/sdk';
import { secretIdLockKey, type ApproleContext } from './context.js';
import {
  GLOBAL_PREFIXES,
  LOCAL_PREFIXES,
  accessorExists,
  entryKey,
  isExpired,
  removeSecretId,
  type SecretIdEntry,
  type SecretIdLocation,
  type SecretIdPrefixes,
} from './secret-id-store.js';

export interface TidyResult {
  /** Secret IDs removed because they expired or lost their accessor. */
  secretIdsRemoved: number;
  /** Accessor index entries removed because their secret ID is gone. */
  accessorsRemoved: number;
}

/**
 * Remove expired secret IDs, secret IDs without an accessor, and accessors
 * without a secret ID, for global and local secret IDs alike. Each secret ID
 * is handled under its own lock, so tidy never races a login.
 */
export async function tidySecretIds(ctx: ApproleContext, storage: Storage): Promise<TidyResult> {
  const result: TidyResult = { secretIdsRemoved: 0, accessorsRemoved: 0 };
  for (const prefixes of [GLOBAL_PREFIXES, LOCAL_PREFIXES]) {
    await tidySecretIdEntries(ctx, storage, prefixes, result);
    await tidyDanglingAccessors(ctx, storage, prefixes, result);
  }
  return result;
}

async function tidySecretIdEntries(ctx: ApproleContext, storage: Storage, prefixes: SecretIdPrefixes, result: TidyResult): Promise<void> {
  for (const roleFolder of await storage.list(prefixes.secrets)) {
    if (!roleFolder.endsWith('/')) continue;
    const roleNameHmac = roleFolder.slice(0, -1);
    for (const secretIdHmac of await storage.list(prefixes.secrets + roleFolder)) {
      if (secretIdHmac.endsWith('/')) continue;
      const loc: SecretIdLocation = { prefixes, roleNameHmac, secretIdHmac };
      await ctx.locks.run(secretIdLockKey(secretIdHmac), async () => {
        const entry = await getJson<SecretIdEntry>(storage, entryKey(loc));
        if (!entry) return;
        const orphan = !(await accessorExists(ctx, storage, prefixes, entry.secret_id_accessor));
        if (orphan || isExpired(entry, ctx.now())) {
          await removeSecretId(ctx, storage, loc, orphan ? null : entry);
          result.secretIdsRemoved++;
        }
      });
    }
  }
}

async function tidyDanglingAccessors(ctx: ApproleContext, storage: Storage, prefixes: SecretIdPrefixes, result: TidyResult): Promise<void> {
  for (const accessorHmac of await storage.list(prefixes.accessors)) {
    if (accessorHmac.endsWith('/')) continue;
    const key = prefixes.accessors + accessorHmac;
    const index = await getJson<{ secret_id_hmac: string; role_name_hmac: string }>(storage, key);
    if (!index) continue;
    const loc: SecretIdLocation = { prefixes, roleNameHmac: index.role_name_hmac, secretIdHmac: index.secret_id_hmac };
    // Under the secret ID's lock: a registration writes the accessor just before the secret ID.
    await ctx.locks.run(secretIdLockKey(index.secret_id_hmac), async () => {
      if ((await storage.get(entryKey(loc))) === null && (await storage.get(key)) !== null) {
        await storage.delete(key);
        result.accessorsRemoved++;
      }
    });
  }
}
