// Errors from talking to the server, with messages shaped like Vault's Go
// client so that scripts and users see the familiar text.

/** The server answered with an error status. */
export class ResponseError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly statusCode: number,
    readonly errors: string[],
    readonly rawBody: string | undefined,
  ) {
    super(formatResponseError(method, url, statusCode, errors, rawBody));
    this.name = 'ResponseError';
  }
}

function formatResponseError(
  method: string,
  url: string,
  statusCode: number,
  errors: string[],
  rawBody: string | undefined,
): string {
  const kind = rawBody !== undefined ? 'Raw Message' : 'Errors';
  const head = `Error making API request.\n\nURL: ${method} ${url}\nCode: ${statusCode}. ${kind}:\n\n`;
  if (rawBody !== undefined) return head + rawBody;
  return head + errors.map((e) => `* ${e}`).join('\n');
}

/** The request never got an answer (connection refused, TLS failure, ...). */
export class TransportError extends Error {
  constructor(method: string, url: string, reason: string) {
    // Go prints url.Error as: Get "http://host/v1/x": <reason>
    super(`${method.charAt(0)}${method.slice(1).toLowerCase()} "${url}": ${reason}`);
    this.name = 'TransportError';
  }
}

/** Raised instead of sending a request when -output-curl-string is set. */
export class CurlStringCaptured extends Error {
  constructor(readonly curl: string) {
    super('output-curl-string: request not sent');
    this.name = 'CurlStringCaptured';
  }
}

/** A local problem building the client (bad CA file, bad address, ...). */
export class ClientConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientConfigError';
  }
}
