/** An answer from the /v1/ API that was not a success, with Vault's {"errors": [...]} messages. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    readonly method: string,
    readonly path: string,
  ) {
    super(errors.length > 0 ? errors.join('; ') : `HTTP ${status}`);
  }
}

/** What the user can do about an error: the server's message says what; this says what next. */
export function adviceFor(err: unknown): string {
  if (!(err instanceof ApiError)) {
    return 'The server could not be reached. Check that it is running and that this page was loaded from it, then retry.';
  }
  const message = err.message.toLowerCase();
  if (message.includes('check-and-set parameter did not match')) {
    return 'Someone saved a newer version of this secret after you opened it. Reload the secret to see the current version, then apply your change again.';
  }
  if (message.includes('check-and-set parameter required')) {
    return 'This secret requires check-and-set (cas_required). Reload the secret and save again: the editor sends the version it read.';
  }
  switch (err.status) {
    case 400:
      return 'The server refused the input. Correct the field named in the message and try again.';
    case 403:
      return 'Your token lacks a policy that grants this operation on this path. Ask an operator to add a policy for it, or log in with another token. The policy capability tester shows what a token may do.';
    case 404:
      return 'Nothing exists at this path. Check the mount and path, or create it.';
    case 405:
      return 'This path does not support this operation.';
    case 412:
      return 'The server is not ready for this request yet (a replication or consistency condition). Retry in a moment.';
    case 429:
      return 'Too many requests: wait a moment and retry.';
    case 500:
      return 'The server failed while handling the request. Its log has the details; retry, and report it if it persists.';
    case 502:
      return 'A plugin or an upstream service behind this mount failed. Check the plugin or service, then retry.';
    case 503:
      return message.includes('sealed') ? 'The server is sealed. Unseal it, then retry.' : 'The server is unavailable or the request took too long. Retry in a moment.';
    default:
      return 'Retry; if it keeps failing, check the server log.';
  }
}
