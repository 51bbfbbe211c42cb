import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CofferError, invalidRequest } from '@coffer/sdk';
import { checkJsonLimits, type JsonLimits } from './json-limits.js';

/** Vault's default max_request_size: 32 MiB. */
export const DEFAULT_MAX_REQUEST_SIZE = 32 * 1024 * 1024;

const responseKey = Symbol('coffer.response');
/** The body once read: a second reader (an HA standby that held a request, then became active and serves it) gets it again. */
const bodyKey = Symbol('coffer.body');

/** How long a connection closed under an unread body keeps draining (Go's server waits 500 ms; uploads can be slow). */
const LINGER_MS = 2_000;

/**
 * Remembers the response of a request so that readBody can ask for the
 * connection to close when it refuses an oversized body. The listener calls
 * it for every request; without it readBody still refuses, but the
 * connection is left to the HTTP server's usual handling.
 */
export function attachResponse(req: IncomingMessage, res: ServerResponse): void {
  (req as IncomingMessage & { [responseKey]?: ServerResponse })[responseKey] = res;
}

/**
 * Reads the whole request body, up to maxBytes (negative: no limit, as Vault's
 * max_request_size = -1). Past the limit it stops reading at once, without
 * buffering the rest, and throws 'request_too_large' (413). The response then
 * carries `Connection: close`: the unread remainder of the body is still on
 * the wire, so the connection cannot carry another request. A body read
 * once is remembered on the request, so a later call returns it again.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const remembered = (req as IncomingMessage & { [bodyKey]?: Buffer })[bodyKey];
  if (remembered) return Promise.resolve(remembered);
  const limited = maxBytes >= 0 && Number.isFinite(maxBytes);
  const declared = req.headers['content-length'];
  if (limited && declared !== undefined && Number(declared) > maxBytes) {
    refuseRestOfBody(req);
    return Promise.reject(tooLarge(maxBytes));
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (limited && size > maxBytes) {
        cleanup();
        chunks.length = 0;
        refuseRestOfBody(req);
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      (req as IncomingMessage & { [bodyKey]?: Buffer })[bodyKey] = body;
      resolve(body);
    };
    const onError = (): void => {
      cleanup();
      reject(clientWentAway());
    };
    const onClose = (): void => {
      // 'close' before 'end': the client disconnected part way through the body.
      cleanup();
      reject(clientWentAway());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Decodes a JSON request body into an object. An empty body (or JSON null, as
 * Vault accepts it) is an empty object.
 */
export function parseJsonBody(buf: Buffer, limits?: JsonLimits): Record<string, unknown> {
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return {};
  checkJsonLimits(text, limits);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8 quotes part of the input after the reason; the body may hold secrets, so keep only the reason.
    const detail = err instanceof SyntaxError ? `: ${err.message.replace(/, (\.\.\.)?".*$/s, '')}` : '';
    throw invalidRequest(`error parsing JSON: the request body is not valid JSON${detail}`);
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw invalidRequest(`error parsing JSON: the request body must be a JSON object, not ${kind}`);
  }
  return value as Record<string, unknown>;
}

function refuseRestOfBody(req: IncomingMessage): void {
  // Stop the flow of body bytes; the socket will be paused by backpressure.
  req.pause();
  const res = (req as IncomingMessage & { [responseKey]?: ServerResponse })[responseKey];
  if (res === undefined || res.headersSent) return;
  res.shouldKeepAlive = false;
  // Node ends a `Connection: close` exchange with socket.destroySoon(). Closing a
  // socket with unread input makes the kernel send a reset, and a client still
  // uploading then gets EPIPE/ECONNRESET instead of reading our 413. So this
  // socket closes gently: send the FIN, then read and drop what keeps coming
  // for a while.
  const socket = req.socket;
  socket.destroySoon = function lingeringClose(this: Socket): void {
    this.end();
    this.removeAllListeners('data');
    this.on('data', () => {});
    this.resume();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('end', () => this.destroy());
    this.once('close', () => clearTimeout(timer));
  };
}

function tooLarge(maxBytes: number): CofferError {
  return new CofferError(
    'request_too_large',
    `http: request body too large: the limit is ${maxBytes} bytes; raise the listener's max_request_size to send more`,
  );
}

function clientWentAway(): CofferError {
  return invalidRequest('the client closed the connection before sending the whole request body');
}
