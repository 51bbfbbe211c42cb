import { createHash } from 'node:crypto';

/**
 * Where a token's cubbyhole lives inside the cubbyhole mount's storage. The
 * core uses the same function to destroy a cubbyhole when its token is
 * revoked and to store wrapped responses, so it is exported.
 * A hash, not the token itself: storage never holds a usable token.
 */
export function cubbyholePrefix(clientToken: string): string {
  return createHash('sha256').update(`cubbyhole:${clientToken}`).digest('hex') + '/';
}
