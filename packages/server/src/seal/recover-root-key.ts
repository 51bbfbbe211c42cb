import { CofferError } from '@coffer/sdk';
import { combineKeyShares, wipeAll } from './key-shares.js';
import { unwrapRootKey, type ShamirSealConfig } from './seal-config.js';

/**
 * Combine collected shares into the unseal key and use it to unwrap the root
 * key. Null when the shares are well formed but are not this Vault's (GCM
 * authentication of the wrapped root key fails). The shares and the unseal
 * key are wiped either way.
 */
export async function recoverRootKey(parts: Buffer[], config: ShamirSealConfig): Promise<Buffer | null> {
  let unsealKey: Buffer | undefined;
  try {
    unsealKey = await combineKeyShares(parts, config.secret_threshold);
    return unwrapRootKey(unsealKey, config);
  } finally {
    unsealKey?.fill(0);
    wipeAll(parts);
  }
}

export const notInitialized = (): CofferError => new CofferError('invalid_request', 'Vault is not initialized');
