/**
 * One error type for the whole project. Handlers throw a CofferError with a
 * stable code; the HTTP layer maps the code to a status and renders Vault's
 * `{"errors":[...]}` body. Nothing picks a status by matching message text.
 */
export type ErrorCode =
  | 'invalid_request' // 400
  | 'permission_denied' // 403
  | 'unsupported_path' // 404
  | 'not_found' // 404 with an empty errors list (Vault's "no value found")
  | 'unsupported_operation' // 405
  | 'precondition_failed' // 412
  | 'request_too_large' // 413
  | 'rate_limited' // 429
  | 'internal' // 500
  | 'unavailable' // 502/503: a plugin or dependency is down
  | 'sealed'; // 503

const statusByCode: Record<ErrorCode, number> = {
  invalid_request: 400,
  permission_denied: 403,
  unsupported_path: 404,
  not_found: 404,
  unsupported_operation: 405,
  precondition_failed: 412,
  request_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  sealed: 503,
};

export class CofferError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** The messages rendered in the `errors` array (Vault renders several for multi-errors). */
  readonly errors: string[];
  /** Response headers that go with this error (a 429's Retry-After). */
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; errors?: string[]; headers?: Record<string, string> }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'CofferError';
    this.code = code;
    this.status = statusByCode[code];
    this.errors = options?.errors ?? (code === 'not_found' && message === '' ? [] : [message]);
    if (options?.headers) this.headers = options.headers;
  }
}

export function statusForCode(code: ErrorCode): number {
  return statusByCode[code];
}

export const invalidRequest = (message: string): CofferError => new CofferError('invalid_request', message);
export const permissionDenied = (message = 'permission denied'): CofferError =>
  new CofferError('permission_denied', message);
export const unsupportedPath = (path: string): CofferError =>
  new CofferError('unsupported_path', `unsupported path: ${path}`);
export const unsupportedOperation = (message = 'unsupported operation'): CofferError =>
  new CofferError('unsupported_operation', message);
export const notFound = (): CofferError => new CofferError('not_found', '');
export const internalError = (message: string, cause?: unknown): CofferError =>
  new CofferError('internal', message, { cause });

export function isCofferError(err: unknown): err is CofferError {
  return err instanceof CofferError || (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'CofferError' && typeof (err as { code?: unknown }).code === 'string');
}
