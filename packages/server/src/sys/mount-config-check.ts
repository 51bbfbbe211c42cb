import { CofferError } from '@coffer/sdk';
import type { MountConfig, MountTableName } from '../mounts/mount-entry.js';

const LISTING_VISIBILITY = new Set(['', 'unauth', 'hidden']);
const TOKEN_TYPES = new Set(['', 'default', 'default-service', 'default-batch', 'service', 'batch']);

/**
 * Vault's checks on the free-text settings of enable and tune. A value that
 * is accepted here is one the mount can live with: an unknown token_type
 * saved on an auth mount would make every later login fail.
 */
export function checkMountConfig(config: Partial<MountConfig>, mount: { table: MountTableName; type: string }): void {
  if (config.listing_visibility !== undefined && !LISTING_VISIBILITY.has(config.listing_visibility)) {
    throw new CofferError('invalid_request', `invalid listing_visibility "${config.listing_visibility}": use "unauth", "hidden" or ""`);
  }
  if (config.token_type === undefined) return;
  if (mount.table !== 'auth') throw new CofferError('invalid_request', "'token_type' can only be modified on auth mounts");
  if (!TOKEN_TYPES.has(config.token_type)) {
    throw new CofferError('invalid_request', `invalid value for 'token_type' "${config.token_type}": use default-service, default-batch, service or batch`);
  }
  if (mount.type === 'token' && (config.token_type === 'batch' || config.token_type === 'default-batch')) {
    throw new CofferError('invalid_request', "the token auth method cannot issue batch tokens by default; set token_type on the token role or request instead");
  }
}
