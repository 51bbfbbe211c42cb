import { CofferError } from '@coffer/sdk';

/**
 * A status a backend chose (Vault's `http_status_code`, or a response's
 * status code), checked before it reaches the wire. A 1xx is an interim
 * answer: sent as the only answer, the client keeps waiting for the final
 * one forever. Anything outside 200-599 is the backend's fault (a plugin is
 * an untrusted neighbour), so it becomes a 500 with a clear message.
 */
export function finalStatus(code: unknown): number {
  const status = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599) return status;
  throw new CofferError('internal', `the backend answered with HTTP status ${JSON.stringify(code)}, which is not a final status (200-599)`);
}
