import type { Auth } from './auth.js';
import type { Secret } from './secret.js';

export interface WrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
  format?: string;
}

/**
 * A backend's answer. `data` becomes the envelope's `data`.
 * Special data keys for raw HTTP answers (as Vault does): `http_status_code`,
 * `http_content_type`, `http_raw_body` (string or Buffer).
 */
export interface Response {
  data?: Record<string, unknown>;
  secret?: Secret;
  auth?: Auth;
  warnings?: string[];
  wrapInfo?: WrapInfo;
  /** HTTP status to use instead of 200/204 (e.g. sys/health's 429/473). */
  statusCode?: number;
  headers?: Record<string, string>;
}

/** Vault returns 204 for a write that yields nothing; helpers keep backends terse. */
export const noContent = (): Response | null => null;

export function listResponse(keys: string[], extra?: Record<string, unknown>): Response {
  return { data: { keys, ...(extra ?? {}) } };
}

export function respondWithWarnings(data: Record<string, unknown> | undefined, warnings: string[]): Response {
  return { data, warnings };
}
