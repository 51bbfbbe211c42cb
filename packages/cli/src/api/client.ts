// A small Vault-API client over node:http/https. It mirrors the behaviour of
// Vault's Go client that the CLI relies on: the X-Vault-Request header, LIST
// sent as GET ?list=true, 307 redirects followed, 404 bodies without data
// treated as "nothing there", and -output-curl-string.
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientOptions } from './config.js';
import { CurlStringCaptured, ResponseError, TransportError } from './errors.js';
import { hasContent, parseSecret, type Secret } from './secret.js';
import { tlsAgentOptions } from './tls.js';

export type Query = Record<string, string | string[]>;

export interface RequestOptions {
  /** JSON request body. */
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  /** Never ask for response wrapping (pre-flight checks, unwrap). */
  noWrap?: boolean;
  /** Send even when -output-curl-string is set (pre-flight checks). */
  noCurl?: boolean;
  /** Token for this request only; null sends no token. */
  token?: string | null;
  contentType?: string;
  /** Reports the bytes of a (large) response body as they arrive; total is -1 without a Content-Length. */
  onDownload?: (received: number, total: number) => void;
}

export interface RawResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body's bytes, for binary answers (backups). */
  bytes: Buffer;
  method: string;
  url: string;
}

const MAX_REDIRECTS = 2;

export class ApiClient {
  token: string | undefined;
  /** The cURL command recorded when -output-curl-string stopped a request. */
  capturedCurl: string | undefined;
  private agent: http.Agent | undefined;

  constructor(readonly options: ClientOptions, token?: string) {
    this.token = token ?? options.token;
  }

  get address(): string {
    return this.options.address;
  }

  /** Full URL for an API path, as Vault's error messages print it. */
  url(path: string, query?: Query): string {
    const clean = path.replace(/^\/+/, '');
    const encoded = clean.split('/').map(encodePathSegment).join('/');
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) {
      for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
    }
    const qs = params.toString();
    return `${this.options.address}/v1/${encoded}${qs ? '?' + qs : ''}`;
  }

  /** Sends a request and returns the response whatever its status. */
  async send(method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
    let httpMethod = method.toUpperCase();
    const query: Query = { ...(opts.query ?? {}) };
    // Node's HTTP parser (and many proxies) reject the LIST verb, and Vault's
    // own client sends lists as GET ?list=true; every server accepts that.
    if (httpMethod === 'LIST') {
      httpMethod = 'GET';
      query.list = 'true';
    }
    const headers: Record<string, string> = { 'X-Vault-Request': 'true', ...this.options.headers, ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? this.token : opts.token;
    if (token) headers['X-Vault-Token'] = token;
    if (this.options.wrapTTL && !opts.noWrap) headers['X-Vault-Wrap-TTL'] = this.options.wrapTTL;
    if (this.options.policyOverride) headers['X-Vault-Policy-Override'] = 'true';
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
    }
    let url = this.url(path, query);
    if (this.options.outputCurlString && !opts.noCurl) {
      this.capturedCurl = this.curlString(httpMethod, url, headers, body);
      throw new CurlStringCaptured(this.capturedCurl);
    }
    for (let redirects = 0; ; redirects++) {
      const response = await this.transport(httpMethod, url, headers, body, opts.onDownload);
      const location = response.headers.location;
      if ((response.statusCode === 307 || response.statusCode === 308) && location && !this.options.disableRedirects) {
        if (redirects >= MAX_REDIRECTS) throw new TransportError(httpMethod, url, 'too many redirects');
        url = new URL(location, url).toString();
        continue;
      }
      return response;
    }
  }

  /** Sends a request; error statuses throw ResponseError. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
    const response = await this.send(method, path, opts);
    throwIfError(response);
    return response;
  }

  /** Sends a request and parses the JSON envelope (null for an empty body). */
  async secret(method: string, path: string, opts: RequestOptions = {}): Promise<Secret | null> {
    return parseSecret((await this.request(method, path, opts)).body);
  }

  /** Vault's Logical().Read: a 404 without data or warnings means "no value". */
  async read(path: string, query?: Query, opts: RequestOptions = {}): Promise<Secret | null> {
    return this.readLike('GET', path, { ...opts, ...(query ? { query } : {}) });
  }

  /** Vault's Logical().List. */
  async list(path: string, opts: RequestOptions = {}): Promise<Secret | null> {
    return this.readLike('LIST', path, opts);
  }

  /** Vault's Logical().Write (PUT by default). */
  async write(path: string, data: unknown, method = 'PUT', opts: RequestOptions = {}): Promise<Secret | null> {
    return this.writeLike(method, path, { ...opts, body: data ?? {} });
  }

  /** Vault's Logical().Delete. */
  async delete(path: string, query?: Query, opts: RequestOptions = {}): Promise<Secret | null> {
    return this.writeLike('DELETE', path, { ...opts, ...(query ? { query } : {}) });
  }

  /** Vault's Logical().JSONMergePatch. */
  async patch(path: string, data: unknown, opts: RequestOptions = {}): Promise<Secret | null> {
    return this.writeLike('PATCH', path, { ...opts, body: data ?? {}, contentType: 'application/merge-patch+json' });
  }

  /** Vault's Logical().Unwrap: with no token, unwraps the client's own token. */
  async unwrap(wrappingToken: string): Promise<Secret | null> {
    const opts: RequestOptions = { noWrap: true };
    if (wrappingToken) opts.body = { token: wrappingToken };
    return this.readLike('PUT', 'sys/wrapping/unwrap', opts);
  }

  private async readLike(method: string, path: string, opts: RequestOptions): Promise<Secret | null> {
    const response = await this.send(method, path, opts);
    if (response.statusCode === 404) {
      const secret = safeParse(response.body);
      return hasContent(secret) ? secret : null;
    }
    throwIfError(response);
    return parseSecret(response.body);
  }

  private async writeLike(method: string, path: string, opts: RequestOptions): Promise<Secret | null> {
    const response = await this.send(method, path, opts);
    if (response.statusCode === 404) {
      const secret = safeParse(response.body);
      if (hasContent(secret)) return secret;
    }
    throwIfError(response);
    return parseSecret(response.body);
  }

  private transport(method: string, url: string, headers: Record<string, string>, body?: string, onDownload?: RequestOptions['onDownload']): Promise<RawResponse> {
    const target = new URL(url);
    const isHttps = target.protocol === 'https:';
    if (!this.agent) {
      this.agent = isHttps ? new https.Agent(tlsAgentOptions(this.options.tls)) : new http.Agent({ keepAlive: false });
    }
    const send = isHttps ? https.request : http.request;
    const outgoing: Record<string, string | number> = { ...headers };
    if (body !== undefined) outgoing['Content-Length'] = Buffer.byteLength(body);
    return new Promise<RawResponse>((resolve, reject) => {
      const req = send(target, { method, headers: outgoing, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        const total = Number(res.headers['content-length'] ?? -1);
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          onDownload?.(received, total);
        });
        res.on('error', (err) => reject(new TransportError(method, url, err.message)));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8'), bytes, method, url });
        });
      });
      req.setTimeout(this.options.timeoutMs, () => {
        req.destroy(Object.assign(new Error('timeout'), { code: 'CLIENT_TIMEOUT' }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => reject(new TransportError(method, url, transportReason(err, target))));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  private curlString(method: string, url: string, headers: Record<string, string>, body?: string): string {
    const quote = (s: string): string => s.replace(/'/g, `'"'"'`);
    let out = 'curl ';
    if (this.options.tls.skipVerify) out += '--insecure ';
    if (method !== 'GET') out += `-X ${method} `;
    if (this.options.tls.caCert) out += `--cacert '${quote(this.options.tls.caCert)}' `;
    if (this.options.tls.caPath) out += `--capath '${quote(this.options.tls.caPath)}' `;
    if (this.options.tls.clientCert) out += `--cert '${quote(this.options.tls.clientCert)}' `;
    if (this.options.tls.clientKey) out += `--key '${quote(this.options.tls.clientKey)}' `;
    for (const [k, v] of Object.entries(headers)) {
      // Never print the token itself: the command substitution fetches it.
      const value = k.toLowerCase() === 'x-vault-token' ? '$(coffer print token)' : v;
      out += `-H "${k}: ${value}" `;
    }
    if (body !== undefined && body.length > 0) out += `-d '${quote(body)}' `;
    return out + url;
  }
}

/** Throws ResponseError unless the status is 2xx/3xx or 429 (standby health). */
export function throwIfError(response: RawResponse): void {
  const { statusCode } = response;
  if ((statusCode >= 200 && statusCode < 400) || statusCode === 429) return;
  let errors: string[] = [];
  let raw: string | undefined;
  try {
    const parsed = JSON.parse(response.body) as { errors?: unknown };
    if (Array.isArray(parsed?.errors)) errors = parsed.errors.map(String);
  } catch {
    raw = response.body;
  }
  throw new ResponseError(response.method, response.url, statusCode, errors, raw);
}

function safeParse(body: string): Secret | null {
  try {
    return parseSecret(body);
  } catch {
    return null;
  }
}

// Keep the characters Go leaves unescaped in a URL path readable.
function encodePathSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(3A|40|21|24|26|27|28|29|2A|2B|2C|3B|3D)/gi, (m) =>
    decodeURIComponent(m),
  );
}

function transportReason(err: NodeJS.ErrnoException, target: URL): string {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${target.hostname}:${port}: connect: connection refused`;
    case 'ENOTFOUND':
      return `dial tcp: lookup ${target.hostname}: no such host`;
    case 'CLIENT_TIMEOUT':
      return 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return 'http: server gave HTTP response to HTTPS client';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    default:
      return err.message;
  }
}
