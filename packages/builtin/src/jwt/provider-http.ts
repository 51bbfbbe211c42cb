import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What a call to an identity provider (discovery, JWKS, token, userinfo endpoint) returns. */
export interface ProviderReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ProviderCallOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** PEM CA certificates to trust instead of the system's (the *_ca_pem settings). */
  caPem?: string;
  timeoutMs?: number;
}

/** A provider that cannot be reached or answers nonsense: the message names the URL and the reason, never a secret. */
export class ProviderError extends Error {}

const MAX_REPLY_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * One HTTP(S) call to an identity provider. node:https rather than fetch,
 * because a configured CA PEM must be trusted for this call only.
 */
export function callProvider(url: string, options: ProviderCallOptions = {}): Promise<ProviderReply> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new ProviderError(`invalid URL ${JSON.stringify(url)}`));
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return Promise.reject(new ProviderError(`unsupported URL scheme in ${JSON.stringify(url)}`));
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));

  return new Promise<ProviderReply>((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(target.protocol === 'https:' && options.caPem ? { ca: options.caPem } : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_REPLY_BYTES) {
            req.destroy(new ProviderError(`${target.origin}${target.pathname} answered more than ${MAX_REPLY_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const replyHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') replyHeaders[name] = value;
            else if (Array.isArray(value)) replyHeaders[name] = value.join(', ');
          }
          resolve({ status: res.statusCode ?? 0, headers: replyHeaders, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new ProviderError(`timed out calling ${target.origin}${target.pathname}`)));
    req.on('error', (err) => {
      reject(err instanceof ProviderError ? err : new ProviderError(`could not reach ${target.origin}${target.pathname}: ${err.message}`));
    });
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const MAX_REDIRECTS = 3;

/**
 * GET that follows a few redirects, as Go's HTTP client does for Vault
 * (providers move their discovery and key documents), but never from https
 * down to http.
 */
export async function getFollowingRedirects(url: string, options: ProviderCallOptions = {}): Promise<ProviderReply> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const reply = await callProvider(current, { ...options, method: 'GET' });
    const location = reply.headers['location'];
    if (reply.status < 300 || reply.status >= 400 || reply.status === 304 || !location) return reply;
    if (hop === MAX_REDIRECTS) throw new ProviderError(`${url} redirected more than ${MAX_REDIRECTS} times`);
    const next = new URL(location, current);
    if (new URL(current).protocol === 'https:' && next.protocol !== 'https:') throw new ProviderError(`${url} redirected from https to ${next.protocol}`);
    current = next.href;
  }
}

/** GET a JSON document; anything but a 200 with a JSON object is a ProviderError. */
export async function fetchJsonObject(url: string, caPem?: string): Promise<Record<string, unknown>> {
  const reply = await getFollowingRedirects(url, caPem ? { caPem } : {});
  if (reply.status !== 200) throw new ProviderError(`${url} answered HTTP ${reply.status}`);
  return parseJsonObject(reply.body, url);
}

export function parseJsonObject(body: Buffer, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ProviderError(`${what} did not answer with JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ProviderError(`${what} did not answer with a JSON object`);
  return parsed as Record<string, unknown>;
}
