import { invalidRequest, type Logger, type Storage } from '@coffer/sdk';
import type { KeyStore } from './key-store.js';
import type { KeyPolicy } from './key-policy.js';
import type { WrappingKeyStore } from './wrapping-key.js';

/** What the transit paths share: the key store, the wrapping key and a clock tests can move. */
export interface TransitContext {
  keys: KeyStore;
  wrappingKey: WrappingKeyStore;
  now: () => Date;
  logger: Logger;
}

/** The named key, or Vault's 400 for a missing one (its message says "encryption" for every operation). */
export async function requireKey(ctx: TransitContext, storage: Storage, name: string): Promise<KeyPolicy> {
  const policy = await ctx.keys.get(storage, name);
  if (!policy) throw invalidRequest('encryption key not found');
  return policy;
}
