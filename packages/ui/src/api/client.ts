import { ApiError } from './errors';
import { endSession, getToken } from './session';

export interface VaultResponse<T = Record<string, unknown>> {
  request_id?: string;
  lease_id?: string;
  renewable?: boolean;
  lease_duration?: number;
  data: T;
  wrap_info?: { token: string; accessor: string; ttl: number; creation_time: string; creation_path: string } | null;
  warnings?: string[] | null;
  auth?: { client_token: string; accessor: string; policies: string[]; lease_duration: number; renewable: boolean } | null;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Send without the session token (logins, unseal). */
  anonymous?: boolean;
  /** X-Vault-Wrap-TTL: answer with a wrapping token instead of the data. */
  wrapTtl?: string;
}

/** Encodes each segment of an API path, keeping the slashes. */
export function apiPath(...parts: string[]): string {
  return parts
    .join('/')
    .split('/')
    .filter((s, i, all) => s !== '' || i === all.length - 1)
    .map(encodeURIComponent)
    .join('/');
}

/**
 * One call to the public /v1/ API, the same calls the CLI makes. A 403 on a
 * call made with a token is checked once: if the token itself is no longer
 * valid (expired or revoked), the session ends and the login page explains why.
 */
export async function request<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<VaultResponse<T>> {
  const token = options.anonymous ? '' : getToken();
  const headers: Record<string, string> = {};
  if (token) headers['X-Vault-Token'] = token;
  if (options.wrapTtl) headers['X-Vault-Wrap-TTL'] = options.wrapTtl;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const query = options.query
    ? '?' + new URLSearchParams(Object.entries(options.query).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '').map(([k, v]) => [k, String(v)])).toString()
    : '';
  const res = await fetch(`/v1/${path}${query === '?' ? '' : query}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await res.text();
  let json: unknown = {};
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = { errors: [text.slice(0, 200)] };
    }
  }
  if (!res.ok) {
    const errors = Array.isArray((json as { errors?: unknown }).errors) ? ((json as { errors: unknown[] }).errors.map(String)) : [];
    const err = new ApiError(res.status, errors, method, path);
    if (res.status === 403 && token && path !== 'auth/token/lookup-self') await checkTokenStillValid(token);
    throw err;
  }
  return json as VaultResponse<T>;
}

async function checkTokenStillValid(token: string): Promise<void> {
  try {
    const res = await fetch('/v1/auth/token/lookup-self', { headers: { 'X-Vault-Token': token }, credentials: 'omit', cache: 'no-store' });
    if (res.status === 403 && getToken() === token) endSession('Your token has expired or was revoked. Log in again.');
  } catch {
    // the server is unreachable: keep the session, the page shows the error
  }
}

export const api = {
  read: <T = Record<string, unknown>>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query }),
  list: async (path: string): Promise<string[]> => {
    try {
      const res = await request<{ keys?: string[] }>('GET', path.endsWith('/') ? path : `${path}/`, { query: { list: 'true' } });
      return res.data?.keys ?? [];
    } catch (err) {
      // Vault answers an empty folder with 404.
      if (err instanceof ApiError && err.status === 404 && err.errors.length === 0) return [];
      throw err;
    }
  },
  write: <T = Record<string, unknown>>(path: string, body: unknown = {}, options: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...options, body }),
  remove: (path: string, query?: RequestOptions['query']) => request('DELETE', path, { query }),
};
