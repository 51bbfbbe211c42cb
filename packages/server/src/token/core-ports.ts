import { CofferError } from '@coffer/sdk';
import { renderAuthBlock } from '../core/pipeline-types.js';
import type { LeasePort, TokenInfo, TokenPort } from '../core/ports.js';
import type { ExpirationManager } from '../expiration/manager.js';
import type { TokenStore } from './store.js';
import type { TokenEntry } from './token-entry.js';

/** TokenInfo plus what the token store needs to find the entry again without re-hashing. */
export interface StoreTokenInfo extends TokenInfo {
  /** Salted id ('' for batch tokens). */
  key: string;
  cubbyholeId: string;
  boundCidrs: string[];
  parentKey: string;
}

export function tokenInfoOf(entry: TokenEntry): StoreTokenInfo {
  return {
    id: entry.id,
    accessor: entry.accessor,
    policies: entry.policies,
    displayName: entry.displayName,
    entityId: entry.entityId,
    numUses: entry.numUses,
    type: entry.type,
    path: entry.path,
    meta: entry.meta ?? {},
    issueTime: entry.creationTime,
    ttl: entry.ttl,
    orphan: entry.parent === '',
    key: entry.key,
    cubbyholeId: entry.cubbyholeId,
    boundCidrs: entry.boundCidrs,
    parentKey: entry.parent,
  };
}

/** The request pipeline's view of the token store (core/ports.ts TokenPort). */
export function createTokenPort(store: TokenStore): TokenPort {
  return {
    async check(token, remoteAddress) {
      if (!token) throw new CofferError('permission_denied', 'permission denied');
      return tokenInfoOf(await store.checkToken(token, remoteAddress));
    },
    async use(info) {
      // Only limited-use service tokens have uses to count (useToken does nothing for the others);
      // check() has just validated this token, so reading its entry again would only cost time.
      if (info.type === 'batch' || info.numUses === 0) return false;
      const entry = await entryOf(store, info);
      const { lastUse } = await store.useToken(entry);
      return lastUse;
    },
    async revoke(token) {
      if (!token) return;
      // Batch tokens cannot be revoked and have no uses to run out of.
      const entry = await store.lookup(token, { tainted: true });
      if (entry?.type === 'batch') return;
      await store.revokeTree(token);
    },
    async issueFromAuth(input) {
      const { entry, auth } = await store.createFromAuth({
        auth: input.auth,
        path: input.path,
        mountDefaults: { defaultTtl: input.defaultTtl, maxTtl: input.maxTtl },
        mountTokenType: input.tokenType,
        authMethod: input.mountType,
        ...(input.mountPath !== undefined ? { mountPoint: input.mountPath } : {}),
      });
      return renderAuthBlock({ ...auth, clientToken: entry.id, accessor: entry.accessor }, entry.type, true);
    },
    async createWrappingToken(input) {
      const entry = await store.createWrappingToken({ ttl: input.ttl, creationPath: input.creationPath });
      return { token: entry.id, accessor: entry.accessor };
    },
  };
}

/** The request pipeline's view of the expiration manager (core/ports.ts LeasePort). */
export function createLeasePort(expiration: ExpirationManager, store: TokenStore): LeasePort {
  return {
    async registerSecret(input) {
      const entry = input.clientToken ? await store.lookup(input.clientToken, { tainted: true }) : null;
      const owner = entry ? store.leaseOwner(entry) : { tokenKey: '', tokenType: 'service' as const };
      return expiration.registerSecret({
        path: input.path,
        owner,
        response: input.response,
        mountDefaults: { defaultTtl: input.defaultTtl, maxTtl: input.maxTtl },
      });
    },
    async revokePrefix(prefix) {
      await expiration.revokePrefix(prefix, { force: false, sync: true });
    },
  };
}

async function entryOf(store: TokenStore, info: TokenInfo): Promise<TokenEntry> {
  const key = (info as Partial<StoreTokenInfo>).key;
  if (info.type === 'batch') {
    const batch = await store.lookup(info.id);
    if (!batch) throw new CofferError('permission_denied', 'permission denied');
    return batch;
  }
  const entry = key ? await store.lookupByKey(key) : await store.lookup(info.id);
  if (!entry) throw new CofferError('permission_denied', 'permission denied');
  entry.id = info.id;
  return entry;
}
