import { CofferError, isCofferError } from '@coffer/sdk';
import type { IncomingRequest } from './pipeline-types.js';

/** The sys/wrapping endpoints that take the wrapping token as the request's own token. */
const WRAPPING_TOKEN_PATHS = new Set(['sys/wrapping/unwrap', 'sys/wrapping/lookup', 'sys/wrapping/rewrap']);

/**
 * Vault checks the wrapping token of sys/wrapping/{unwrap,lookup,rewrap}
 * before anything else and answers a used, expired or unknown one with 400
 * "wrapping token is not valid or does not exist", not 403: the client did
 * not lack a permission, it sent a token that cannot be unwrapped. Returns
 * that error when the refused token was such a wrapping token, else
 * undefined (the original refusal stands).
 *
 * The authenticate stage applies it to the token it refuses.
 */
export function wrappingTokenRefusal(incoming: IncomingRequest, refusal: unknown): CofferError | undefined {
  if (!isCofferError(refusal) || refusal.code !== 'permission_denied') return undefined;
  if (!incoming.token || !WRAPPING_TOKEN_PATHS.has(incoming.path.replace(/\/+$/, ''))) return undefined;
  // With a token in the body, the request token is an ordinary caller token and its refusal is a 403.
  const bodyToken = Object.hasOwn(incoming.data, 'token') ? incoming.data['token'] : undefined;
  if (typeof bodyToken === 'string' && bodyToken !== '' && bodyToken !== incoming.token) return undefined;
  return new CofferError('invalid_request', 'wrapping token is not valid or does not exist');
}
