import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { CustomResponseHeaders } from '../config/custom-response-headers.js';
import type { RequestHandler } from './listener.js';

/** The configured headers for one status: the status's own win over its class ("4xx"), which win over "default". */
export function customHeadersFor(config: CustomResponseHeaders, status: number): Record<string, string> {
  const out = new Map<string, [string, string]>();
  for (const key of ['default', `${String(status)[0]}xx`, String(status)]) {
    for (const [name, value] of Object.entries(config[key] ?? {})) out.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(out.values());
}

/**
 * Wraps a listener's handler so that every response (API, UI and redirects)
 * carries the listener's custom_response_headers. The handler is returned as
 * is when none are configured, so the common case costs nothing.
 */
export function withCustomResponseHeaders(handler: RequestHandler, config: CustomResponseHeaders | undefined): RequestHandler {
  if (config === undefined || Object.keys(config).length === 0) return handler;
  return (req: IncomingMessage, res: ServerResponse) => {
    const writeHead = res.writeHead;
    // Node's implicit header path (res.end() without writeHead) also goes through writeHead.
    res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
      const custom = customHeadersFor(config, status);
      const headersArg = rest.find((r): r is OutgoingHttpHeaders => typeof r === 'object' && r !== null && !Array.isArray(r));
      for (const [name, value] of Object.entries(custom)) {
        if (headersArg) for (const key of Object.keys(headersArg)) if (key.toLowerCase() === name.toLowerCase()) delete headersArg[key];
        this.setHeader(name, value);
      }
      return (writeHead as (...a: unknown[]) => ServerResponse).call(this, status, ...rest);
    } as ServerResponse['writeHead'];
    return handler(req, res);
  };
}
