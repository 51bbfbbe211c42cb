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

/** The named key, or a 400 with Vault's message for the operation. */
export async function requireKey(ctx: TransitContext, storage: Storage, name: string, message = 'encryption key not found'): Promise<KeyPolicy> {
  const policy = await ctx.keys.get(storage, name);
  if (!policy) throw invalidRequest(message);
  return policy;
}
