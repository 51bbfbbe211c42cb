import { CofferError } from '@coffer/sdk';
import { base62Random } from '../expiration/random-id.js';

export const SERVICE_TOKEN_PREFIX = 'hvs.';
export const BATCH_TOKEN_PREFIX = 'hvb.';
const LEGACY_SERVICE_PREFIX = 's.';
const LEGACY_BATCH_PREFIX = 'b.';

/** Random part of a root token: fixed at 24 so that generate-root's one-time pad has a known length (28 with the prefix). */
const ROOT_RANDOM_LENGTH = 24;
/** Other service tokens are as long as Vault's (95 characters with the prefix). */
const SERVICE_RANDOM_LENGTH = 91;
const ACCESSOR_LENGTH = 24;

export function newServiceTokenId(root: boolean): string {
  return SERVICE_TOKEN_PREFIX + base62Random(root ? ROOT_RANDOM_LENGTH : SERVICE_RANDOM_LENGTH);
}

export function newAccessor(): string {
  return base62Random(ACCESSOR_LENGTH);
}

export function newCubbyholeId(): string {
  return base62Random(ACCESSOR_LENGTH);
}

export function isBatchTokenId(id: string): boolean {
  return id.startsWith(BATCH_TOKEN_PREFIX) || id.startsWith(LEGACY_BATCH_PREFIX);
}

export function stripBatchPrefix(id: string): string {
  if (id.startsWith(BATCH_TOKEN_PREFIX)) return id.slice(BATCH_TOKEN_PREFIX.length);
  if (id.startsWith(LEGACY_BATCH_PREFIX)) return id.slice(LEGACY_BATCH_PREFIX.length);
  return id;
}

/** A token id chosen by the caller (sudo only, or -dev-root-token-id) must not look like a generated one. */
export function validateCustomTokenId(id: string): void {
  if (id.startsWith(SERVICE_TOKEN_PREFIX)) throw new CofferError('invalid_request', "custom token ID cannot have the 'hvs.' prefix");
  if (id.startsWith(LEGACY_SERVICE_PREFIX)) throw new CofferError('invalid_request', "custom token ID cannot have the 's.' prefix");
  if (id.includes('.')) throw new CofferError('invalid_request', "custom token ID cannot have a '.' in the value");
}
