import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { CofferError, isCofferError, parseDuration, type Logger } from '@coffer/sdk';
import type { IncomingRequest, PipelineResult } from '../core/pipeline-types.js';
import { renderEnvelope, renderErrors } from './envelope.js';
import { finalStatus } from './final-status.js';
import { operationFor, queryData } from './operation.js';
import { patchContentTypeRefusal } from './patch-content-type.js';
import { clientConnection } from './client-connection.js';
import type { JsonLimits } from './json-limits.js';
import { parseJsonBody, readBody } from './read-body.js';
import { isFormBody, parseFormBody } from './form-body.js';

export interface LifecycleCall {
  method: string;
  /** Path after /v1/. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  token: string;
}

export interface HttpHandlerDeps {
  handle(req: IncomingRequest): Promise<PipelineResult>;
  /** Endpoints that work while sealed; undefined when the path is not one of them. */
  lifecycle(call: LifecycleCall): Promise<{ status: number; body: unknown } | undefined>;
  isLifecyclePath(path: string): boolean;
  maxRequestSize: () => number;
  /** The listener's max_json_* bounds (default: Vault's). */
  jsonLimits?: () => JsonLimits;
  /** Vault's max_request_duration: a request still running after this many ms is answered with 503 (0: no limit). */
  maxRequestDurationMs?: () => number;
  logger: Logger;
  /** The listener's `telemetry { unauthenticated_metrics_access }`: sys/metrics answers without a token. */
  unauthenticatedMetrics?: boolean;
  /** Serves /ui and other non-API paths; returns false when it did not handle the request. */
  serveOther?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /**
   * Called before an answer is written: returns true when another node must
   * answer instead (an HA standby's read that needed a write) and it took
   * the request over (ha/standby-forwarding.ts).
   */
  handOff?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** The HTTP transport: parse, hand to the core, render Vault's envelope. Nothing else. */
export function createHttpHandler(deps: HttpHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'unhandled error in http handler');
      if (!res.headersSent) sendError(res, new CofferError('internal', 'internal error'));
      else res.destroy();
    });
  };
}

async function handle(deps: HttpHandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // The request target is split once, by hand: URL parsing would silently resolve "a/../b".
  const { rawPath, query } = splitTarget(req.url ?? '/');
  if (!rawPath.startsWith('/v1/')) {
    if (deps.serveOther?.(req, res)) return;
    if (rawPath === '/') {
      res.writeHead(307, { Location: '/ui/' }).end();
      return;
    }
    sendError(res, new CofferError('unsupported_path', ''), []);
    return;
  }
  let path: string;
  try {
    path = apiPath(rawPath);
  } catch (err) {
    if (isCofferError(err)) {
      sendError(res, err);
      return;
    }
    throw err;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const token = tokenFrom(req);
  if (method === 'PATCH') {
    // As in Vault: checked before the body is read or the token looked at.
    const refusal = patchContentTypeRefusal(header(req, 'content-type'));
    if (refusal) {
      sendStatus(res, refusal.status, [refusal.message]);
      return;
    }
  }
  try {
    const bodyAllowed = method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
    const raw = bodyAllowed ? await readBody(req, deps.maxRequestSize()) : Buffer.alloc(0);
    // A DER OCSP request is not JSON (Vault passes it through the same way): the backend gets it base64-encoded.
    const contentType = header(req, 'content-type');
    const body = raw.length === 0 ? {} : isOcspRequest(contentType) ? { http_raw_body: raw.toString('base64') } : isFormBody(contentType) ? parseFormBody(raw) : parseJsonBody(raw, deps.jsonLimits?.());

    if (deps.isLifecyclePath(path)) {
      const answer = await deps.lifecycle({ method, path, query, body, token });
      if (answer) {
        sendJson(res, answer.status, answer.body, method === 'HEAD');
        return;
      }
    }

    const operation = operationFor(method, query);
    const data = method === 'GET' || method === 'LIST' || method === 'HEAD' ? queryData(query) : { ...queryData(query), ...body };
    const wrapTtlHeader = header(req, 'x-vault-wrap-ttl');
    const incoming: IncomingRequest = {
      id: randomUUID(),
      operation,
      // A list is always of a folder: Vault adds the trailing "/" before the ACL sees the path (so "cubbyhole/*" covers LIST cubbyhole).
      path: operation === 'list' && !path.endsWith('/') ? `${path}/` : path,
      data,
      token,
      headers: headersOf(req),
      connection: clientConnection(req),
      wrapTtl: wrapTtlHeader ? parseWrapTtl(wrapTtlHeader) : undefined,
      wrapFormat: header(req, 'x-vault-wrap-format') === 'jwt' ? 'jwt' : '',
      ...(deps.unauthenticatedMetrics && path === 'sys/metrics' ? { unauthenticated: true } : {}),
    };
    const result = await withDeadline(deps.handle(incoming), deps.maxRequestDurationMs?.() ?? 0);
    if (deps.handOff?.(req, res)) return;
    // Vault answers help requests with the help document itself ({help, openapi, see_also}), unenveloped.
    if (operation === 'help' && result.response?.data) {
      sendJson(res, 200, result.response.data, method === 'HEAD');
      return;
    }
    sendResult(res, result, method === 'HEAD');
  } catch (err) {
    if (deps.handOff?.(req, res)) return;
    if (isCofferError(err)) {
      // A body that was too large is left unread: close the connection instead of draining it.
      // Set before the answer is written: a header set after it throws, and the client got a reset instead of the 413.
      if (err.code === 'request_too_large' && !res.headersSent) res.setHeader('Connection', 'close');
      sendError(res, err);
      return;
    }
    deps.logger.error({ path, method, err: err instanceof Error ? err.message : String(err) }, 'request failed');
    sendError(res, new CofferError('internal', 'internal error'));
  }
}

/**
 * The request keeps running in the background (a backend call cannot be
 * cancelled), but the client gets a clear answer instead of waiting forever.
 */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) return work;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CofferError('unavailable', `the request took longer than max_request_duration (${ms / 1000}s) and was abandoned; raise max_request_duration in the listener stanza if this is expected`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Path and query of a request target; absolute-form targets ("GET http://host/v1/…") are rare but legal. */
function splitTarget(target: string): { rawPath: string; query: URLSearchParams } {
  const origin = target.startsWith('/') ? target : target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
  const q = origin.indexOf('?');
  return q === -1 ? { rawPath: origin, query: new URLSearchParams() } : { rawPath: origin.slice(0, q), query: new URLSearchParams(origin.slice(q + 1)) };
}

/**
 * The path after /v1/, percent-decoded. Coffer refuses dot segments instead
 * of resolving them, so that the path a client sent is the path the ACL sees.
 */
function apiPath(rawPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath.slice('/v1/'.length));
  } catch {
    throw new CofferError('invalid_request', 'invalid path: malformed percent-encoding');
  }
  if (decoded.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new CofferError('invalid_request', `invalid path "${decoded}": "." and ".." segments are not allowed`);
  }
  if (decoded.includes('\0')) throw new CofferError('invalid_request', 'invalid path: it contains a NUL character');
  return decoded.replace(/^\/+/, '');
}

function isOcspRequest(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/ocsp-request';
}

function parseWrapTtl(value: string): number {
  const ttl = parseDuration(value);
  if (ttl <= 0) throw new CofferError('invalid_request', 'X-Vault-Wrap-TTL must be a positive duration such as "5m" or "300"');
  return ttl;
}

function tokenFrom(req: IncomingMessage): string {
  const direct = header(req, 'x-vault-token');
  if (direct) return direct;
  const authz = header(req, 'authorization');
  if (authz && /^bearer\s+/i.test(authz)) return authz.replace(/^bearer\s+/i, '').trim();
  return '';
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function headersOf(req: IncomingMessage): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v : [v];
  }
  return out;
}

function sendResult(res: ServerResponse, result: PipelineResult, headOnly: boolean): void {
  const response = result.response;
  const data = response?.data;
  // Raw HTTP answers (sys/metrics text, sys/health-like codes): Vault's http_* keys.
  if (data && data['http_status_code'] !== undefined && !result.wrapInfo) {
    const status = finalStatus(data['http_status_code']);
    const rawBody = data['http_raw_body'];
    const contentType = String(data['http_content_type'] ?? 'application/json');
    const body = typeof rawBody === 'string' || Buffer.isBuffer(rawBody) ? rawBody : JSON.stringify(rawBody ?? {});
    // A length lets clients show download progress (backups).
    res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
    res.end(headOnly ? undefined : body);
    return;
  }
  for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
  const empty = !response || (data === undefined && !response.auth && !response.secret && !(response.warnings?.length) && !result.auth);
  if (empty && !result.wrapInfo) {
    res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
    return;
  }
  for (const [k, v] of Object.entries(response?.headers ?? {})) res.setHeader(k, v);
  sendJson(res, response?.statusCode === undefined ? 200 : finalStatus(response.statusCode), renderEnvelope(result), headOnly);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headOnly = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(headOnly ? undefined : text);
}

function sendError(res: ServerResponse, err: CofferError, errors = err.errors): void {
  for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
  sendStatus(res, err.status, errors);
}

/** An error body with a status no CofferError code maps to (415). */
function sendStatus(res: ServerResponse, status: number, errors: string[]): void {
  const text = renderErrors(errors);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
