// The agent's HTTP API: /v1/… is proxied to the server (adding the auto-auth
// token for applications that send none, when api_proxy allows it), through
// the lease cache when cache { } is set; /agent/v1/… are the agent's own
// endpoints (cache-clear, metrics, quit).
import type http from 'node:http';
import { errorText } from '../error-text.js';
import type { ApiProxyConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import type { AgentMetrics } from '../metrics.js';
import type { TokenState } from '../token-state.js';
import type { Forwarder, ProxiedResponse } from './forward.js';
import { requestKey, type LeaseCache } from './lease-cache.js';

const MAX_BODY = 32 * 1024 * 1024;

export interface ProxyDeps {
  forwarder: Forwarder;
  cache: LeaseCache | undefined;
  apiProxy: ApiProxyConfig;
  tokens: TokenState;
  metrics: AgentMetrics;
  logger: Logger;
  quit: (() => void) | undefined;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendProxied(res: http.ServerResponse, r: ProxiedResponse, cached: boolean): void {
  res.writeHead(r.status, { ...r.headers, 'Content-Length': String(r.body.length), ...(cached ? { 'X-Cache': 'HIT' } : {}) });
  res.end(r.body);
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function proxyHandler(deps: ProxyDeps, enableQuit: boolean) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://agent');
    const method = (req.method ?? 'GET').toUpperCase();
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      sendJson(res, (err as { status?: number }).status ?? 400, { errors: [errorText(err)] });
      return;
    }
    if (url.pathname.startsWith('/agent/v1/')) return agentEndpoint(deps, enableQuit, url, method, body, res);
    if (!url.pathname.startsWith('/v1/')) {
      sendJson(res, 404, { errors: [] });
      return;
    }
    await proxy(deps, req, res, url, method, body);
  };
}

function bearer(req: http.IncomingMessage): string | undefined {
  const header = req.headers['x-vault-token'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '');
  return undefined;
}

async function proxy(deps: ProxyDeps, req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string, body: Buffer): Promise<void> {
  const own = bearer(req);
  let token = own;
  if (deps.apiProxy.useAutoAuthToken === 'force' || (deps.apiProxy.useAutoAuthToken === true && own === undefined)) {
    token = deps.tokens.token ?? own;
  }
  const pathAndQuery = url.pathname + url.search;
  const apiPath = url.pathname.slice('/v1/'.length);
  const key = requestKey(method, pathAndQuery, body, token ?? '');
  const cached = deps.cache?.get(key);
  if (cached) {
    deps.metrics.increment('vault.agent.cache.hit');
    sendProxied(res, cached.response, true);
    return;
  }
  let response: ProxiedResponse;
  try {
    response = await deps.forwarder.forward(method, pathAndQuery, req.headers, body, token);
  } catch (err) {
    deps.metrics.increment('vault.agent.proxy.error');
    deps.logger.warn('proxying a request failed', { path: apiPath, error: errorText(err) });
    sendJson(res, 502, { errors: [`the agent could not reach the server: ${errorText(err)}`] });
    return;
  }
  deps.metrics.increment('vault.agent.proxy.success');
  if (deps.cache) {
    deps.metrics.increment('vault.agent.cache.miss');
    if (response.status >= 200 && response.status < 300) evictOnRevocation(deps.cache, apiPath, method, body, token ?? '');
    deps.cache.store(key, apiPath, token ?? '', response);
  }
  sendProxied(res, response, false);
}

function jsonField(body: Buffer, field: string): string | undefined {
  try {
    const value = (JSON.parse(body.toString('utf8')) as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A revocation that went through the agent drops what it revoked from the cache. */
function evictOnRevocation(cache: LeaseCache, path: string, method: string, body: Buffer, token: string): void {
  if (method !== 'PUT' && method !== 'POST') return;
  const why = 'revoked through the agent';
  let m: RegExpExecArray | null;
  if ((m = /^sys\/(?:leases\/)?revoke(?:\/(.+))?$/.exec(path))) {
    const leaseId = m[1] ?? jsonField(body, 'lease_id');
    if (leaseId) cache.evictWhere((e) => e.leaseId === leaseId, why);
  } else if ((m = /^sys\/(?:leases\/)?revoke-(?:prefix|force)\/(.+)$/.exec(path))) {
    const prefix = m[1]!;
    cache.evictWhere((e) => e.leaseId?.startsWith(prefix) === true, why);
  } else if (path === 'auth/token/revoke' || path === 'auth/token/revoke-orphan') {
    const revoked = jsonField(body, 'token');
    if (revoked) cache.evictToken(revoked, why);
  } else if (path === 'auth/token/revoke-self') {
    cache.evictToken(token, why);
  } else if (path === 'auth/token/revoke-accessor') {
    const accessor = jsonField(body, 'accessor');
    if (accessor) {
      let tokenOfAccessor: string | undefined;
      cache.evictWhere((e) => {
        if (e.authAccessor === accessor) {
          tokenOfAccessor = e.authToken;
          return true;
        }
        return false;
      }, why);
      if (tokenOfAccessor) cache.evictToken(tokenOfAccessor, why);
    }
  }
}

function agentEndpoint(deps: ProxyDeps, enableQuit: boolean, url: URL, method: string, body: Buffer, res: http.ServerResponse): void {
  const path = url.pathname.slice('/agent/v1/'.length);
  if (path === 'metrics' && method === 'GET') {
    if (url.searchParams.get('format') === 'prometheus') {
      const text = deps.metrics.prometheus();
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    sendJson(res, 200, deps.metrics.json());
    return;
  }
  if (path === 'cache-clear' && (method === 'POST' || method === 'PUT')) {
    if (!deps.cache) {
      sendJson(res, 400, { errors: ['the cache is not enabled on this agent'] });
      return;
    }
    let request: { type?: unknown; value?: unknown };
    try {
      request = JSON.parse(body.toString('utf8') || '{}') as typeof request;
    } catch {
      sendJson(res, 400, { errors: ['failed to parse the request body as JSON'] });
      return;
    }
    const value = typeof request.value === 'string' ? request.value : '';
    const why = 'cleared through /agent/v1/cache-clear';
    if (request.type !== 'all' && value === '') {
      sendJson(res, 400, { errors: ['value is required'] });
      return;
    }
    switch (request.type) {
      case 'all':
        deps.cache.clear();
        break;
      case 'request_path':
        deps.cache.evictWhere((e) => e.path.startsWith(value.replace(/^\/?(v1\/)?/, '')), why);
        break;
      case 'lease':
        deps.cache.evictWhere((e) => e.leaseId === value, why);
        break;
      case 'token':
        deps.cache.evictToken(value, why);
        break;
      case 'token_accessor':
        deps.cache.evictWhere((e) => e.authAccessor === value, why);
        break;
      default:
        sendJson(res, 400, { errors: ['type must be one of "request_path", "lease", "token", "token_accessor", "all"'] });
        return;
    }
    res.writeHead(200, { 'Content-Length': '0' });
    res.end();
    return;
  }
  if (path === 'quit' && enableQuit && deps.quit && (method === 'POST' || method === 'PUT')) {
    res.writeHead(200, { 'Content-Length': '0' });
    res.end();
    deps.quit();
    return;
  }
  sendJson(res, 404, { errors: [] });
}
