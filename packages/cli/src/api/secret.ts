// The JSON envelope every Vault API response uses, and the small helpers the
// CLI needs to read it.

export interface SecretAuth {
  client_token?: string;
  accessor?: string;
  policies?: string[] | null;
  token_policies?: string[] | null;
  identity_policies?: string[] | null;
  metadata?: Record<string, string> | null;
  orphan?: boolean;
  entity_id?: string;
  lease_duration?: number;
  renewable?: boolean;
  mfa_requirement?: unknown;
  [key: string]: unknown;
}

export interface WrapInfo {
  token?: string;
  accessor?: string;
  ttl?: number;
  creation_time?: string;
  creation_path?: string;
  wrapped_accessor?: string;
  [key: string]: unknown;
}

export interface Secret {
  request_id?: string;
  lease_id?: string;
  lease_duration?: number;
  renewable?: boolean;
  data?: Record<string, unknown> | null;
  warnings?: string[] | null;
  auth?: SecretAuth | null;
  wrap_info?: WrapInfo | null;
  mount_type?: string;
  [key: string]: unknown;
}

/** Parses a response body; an empty body means "no secret" (null). */
export function parseSecret(body: string): Secret | null {
  if (body.trim() === '') return null;
  const parsed: unknown = JSON.parse(body);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('response body is not a JSON object');
  }
  return parsed as Secret;
}

/** True when a secret carries data or warnings (Vault's test on 404 bodies). */
export function hasContent(secret: Secret | null): secret is Secret {
  if (!secret) return false;
  const dataCount = secret.data ? Object.keys(secret.data).length : 0;
  const warningCount = secret.warnings ? secret.warnings.length : 0;
  return dataCount > 0 || warningCount > 0;
}

/**
 * The secret in the key order Vault's CLI prints it with -format=json
 * (Go struct order), dropping auth/wrap_info/mount_type when absent.
 */
export function secretForOutput(secret: Secret): Map<string, unknown> {
  const out = new Map<string, unknown>([
    ['request_id', secret.request_id ?? ''],
    ['lease_id', secret.lease_id ?? ''],
    ['lease_duration', secret.lease_duration ?? 0],
    ['renewable', secret.renewable ?? false],
    ['data', secret.data ?? null],
    ['warnings', secret.warnings ?? null],
  ]);
  if (secret.auth) out.set('auth', authForOutput(secret.auth));
  if (secret.wrap_info) out.set('wrap_info', wrapInfoForOutput(secret.wrap_info));
  if (secret.mount_type) out.set('mount_type', secret.mount_type);
  return out;
}

function authForOutput(auth: SecretAuth): Map<string, unknown> {
  const out = new Map<string, unknown>([
    ['client_token', auth.client_token ?? ''],
    ['accessor', auth.accessor ?? ''],
    ['policies', auth.policies ?? null],
    ['token_policies', auth.token_policies ?? null],
    ['identity_policies', auth.identity_policies ?? null],
    ['metadata', auth.metadata ?? null],
    ['orphan', auth.orphan ?? false],
    ['entity_id', auth.entity_id ?? ''],
    ['lease_duration', auth.lease_duration ?? 0],
    ['renewable', auth.renewable ?? false],
    ['mfa_requirement', auth.mfa_requirement ?? null],
  ]);
  return out;
}

function wrapInfoForOutput(wrap: WrapInfo): Map<string, unknown> {
  const out = new Map<string, unknown>([
    ['token', wrap.token ?? ''],
    ['accessor', wrap.accessor ?? ''],
    ['ttl', wrap.ttl ?? 0],
    ['creation_time', wrap.creation_time ?? ''],
    ['creation_path', wrap.creation_path ?? ''],
  ]);
  if (wrap.wrapped_accessor) out.set('wrapped_accessor', wrap.wrapped_accessor);
  return out;
}

/**
 * Some sys endpoints (mounts, auth, audit) answer with their map both at the
 * top level (legacy) and under "data". Prefer "data".
 */
export function dataOrTopLevel(body: Secret | null): Record<string, unknown> {
  if (!body) return {};
  if (body.data && typeof body.data === 'object') return body.data;
  const envelopeKeys = new Set(['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings', 'auth', 'wrap_info', 'mount_type']);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!envelopeKeys.has(k)) out[k] = v;
  return out;
}
