import { CofferError } from '@coffer/sdk';

const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN|EPIPE|PROTOCOL_CONNECTION_LOST)$/;

/**
 * A driver error as a CofferError with a code the engine passes on: a
 * database that cannot be reached is `unavailable` (503, and the engine
 * retries revocations); what the database refused (bad SQL, a missing
 * privilege, a wrong password) is `invalid_request` (400). The message is
 * the driver's own, which never holds the rendered query (that would
 * include the password) — `scrub` removes secrets a driver might echo.
 */
export function driverError(err: unknown, what: string, scrub: readonly string[] = []): CofferError {
  if (err instanceof CofferError) return err;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  let message = typeof e?.message === 'string' && e.message !== '' ? e.message : aggregateMessage(e) ?? String(err);
  for (const secret of scrub) if (secret) message = message.split(secret).join('*****');
  const code = typeof e?.code === 'string' ? e.code : '';
  const network = NETWORK_CODES.test(code) || /ECONNREFUSED|connect ETIMEDOUT|Connection is closed|connection terminated|max retries per request|Stream isn't writeable/i.test(message);
  const timeout = /timeout|timed out/i.test(message);
  return new CofferError(network || timeout ? 'unavailable' : 'invalid_request', `${what}: ${message}`);
}

/** Node's AggregateError (a refused dual-stack connect) carries its reasons in `errors`. */
function aggregateMessage(e: { errors?: unknown }): string | undefined {
  if (!Array.isArray(e?.errors)) return undefined;
  return e.errors.map((inner: unknown) => (inner instanceof Error ? inner.message : String(inner))).join('; ');
}
