import { CofferError, isCofferError, type ErrorCode } from '../errors.js';
import type { WireError } from './wire-types.js';

const KNOWN_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_request',
  'permission_denied',
  'unsupported_path',
  'not_found',
  'unsupported_operation',
  'precondition_failed',
  'request_too_large',
  'rate_limited',
  'internal',
  'unavailable',
  'sealed',
]);

/**
 * Any thrown value as a wire error. A CofferError keeps its code and
 * messages; anything else becomes "internal" with its message, which is what
 * a built-in backend throwing a plain Error produces too.
 */
export function errorToWire(err: unknown): WireError {
  if (isCofferError(err)) {
    return { code: err.code, message: err.message, errors: [...err.errors] };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message, errors: [message] };
}

/** A wire error as the CofferError it stood for on the other side. */
export function errorFromWire(wire: WireError): CofferError {
  const code = (KNOWN_CODES.has(wire.code) ? wire.code : 'internal') as ErrorCode;
  const errors = wire.errors ?? [];
  const message = wire.message ?? '';
  // An empty `errors` list means "derive it from the message", except for
  // not_found where [] is meaningful (Vault's empty 404 body).
  const options = errors.length > 0 || (code === 'not_found' && message === '') ? { errors } : undefined;
  return new CofferError(code, message || errors[0] || '', options);
}

/** Throws the reply's error, if it carries one. */
export function throwIfError(reply: { error?: WireError | null }): void {
  if (reply.error) throw errorFromWire(reply.error);
}
