import { CofferError, type Auth, type Secret } from '@coffer/sdk';
import type { MountTtls } from './ttl.js';

/**
 * One lease as the expiration manager keeps it. A lease belongs either to a
 * secret (`secret` set: revoked through the backend that issued it) or to a
 * token (`auth` set: revoked through the token store).
 *
 * The raw client token is never stored: `tokenKey` is the token's salted id
 * (the token store's storage key), which is all that revocation needs.
 */
export interface LeaseEntry {
  leaseId: string;
  /**
   * Salted id of the token this lease is indexed under: the token that
   * created the secret (for a batch token, its parent), or for an auth lease
   * the token itself. '' when there is none (an orphan batch token's secret).
   */
  tokenKey: string;
  /** Type of the token that created the lease. */
  tokenType: 'service' | 'batch';
  /** For leases created by a batch token: when that token expires (ms); the lease never outlives it. */
  tokenExpireTime: number;
  /** Full request path, mount included ("database/creds/ro", "auth/userpass/login/bob"). */
  path: string;
  /** The response data, handed back to the backend on renew and revoke. */
  data?: Record<string, unknown>;
  secret?: Secret;
  /** Kept without clientToken. */
  auth?: Auth;
  /** Milliseconds since the epoch. */
  issueTime: number;
  /** Milliseconds since the epoch; 0 = never expires. */
  expireTime: number;
  /** Milliseconds since the epoch; 0 = never renewed. */
  lastRenewalTime: number;
  /** The mount's TTL limits when the lease was registered (used when the core gives no live values). */
  mountTtls: MountTtls;
  /** Set once revocation has failed too often; such a lease is kept until revoke-force removes it. */
  revokeErr?: string;
}

interface StoredLease {
  lease_id: string;
  token_key: string;
  token_type: 'service' | 'batch';
  token_expire_time?: number;
  path: string;
  data?: Record<string, unknown>;
  secret?: Secret;
  auth?: Auth;
  issue_time: number;
  expire_time: number;
  last_renewal_time: number;
  default_ttl: number;
  max_ttl: number;
  revoke_err?: string;
  version: 1;
}

export function encodeLease(le: LeaseEntry): Buffer {
  const stored: StoredLease = {
    lease_id: le.leaseId,
    token_key: le.tokenKey,
    token_type: le.tokenType,
    ...(le.tokenExpireTime ? { token_expire_time: le.tokenExpireTime } : {}),
    path: le.path,
    ...(le.data !== undefined ? { data: le.data } : {}),
    ...(le.secret !== undefined ? { secret: le.secret } : {}),
    ...(le.auth !== undefined ? { auth: { ...le.auth, clientToken: undefined } } : {}),
    issue_time: le.issueTime,
    expire_time: le.expireTime,
    last_renewal_time: le.lastRenewalTime,
    default_ttl: le.mountTtls.defaultTtl,
    max_ttl: le.mountTtls.maxTtl,
    ...(le.revokeErr ? { revoke_err: le.revokeErr } : {}),
    version: 1,
  };
  return Buffer.from(JSON.stringify(stored), 'utf8');
}

export function decodeLease(value: Buffer): LeaseEntry {
  const s = JSON.parse(value.toString('utf8')) as StoredLease;
  return {
    leaseId: s.lease_id,
    tokenKey: s.token_key ?? '',
    tokenType: s.token_type ?? 'service',
    tokenExpireTime: s.token_expire_time ?? 0,
    path: s.path,
    data: s.data,
    secret: s.secret,
    auth: s.auth,
    issueTime: s.issue_time,
    expireTime: s.expire_time,
    lastRenewalTime: s.last_renewal_time ?? 0,
    mountTtls: { defaultTtl: s.default_ttl ?? 0, maxTtl: s.max_ttl ?? 0 },
    revokeErr: s.revoke_err,
  };
}

/**
 * Whether a lease may be renewed, with Vault's reasons when not. Leases of
 * batch tokens report "not renewable" without an error: their secrets may
 * still be renewed, up to the batch token's own expiry.
 */
export function checkRenewable(le: LeaseEntry | null, now: number): { renewable: boolean; error?: string } {
  if (!le) return { renewable: false, error: 'lease not found' };
  if (le.revokeErr) return { renewable: false, error: 'lease is expired and has failed previous revocation attempts' };
  if (le.expireTime === 0) return { renewable: false, error: 'lease is not renewable' };
  if (le.tokenType === 'batch') return { renewable: false };
  if (le.expireTime < now) return { renewable: false, error: 'lease expired' };
  if (le.secret && !le.secret.renewable) return { renewable: false, error: 'lease is not renewable' };
  if (le.auth && !le.auth.renewable) return { renewable: false, error: 'lease is not renewable' };
  return { renewable: true };
}

/** Throws Vault's 400 when the lease cannot be renewed. */
export function assertRenewable(le: LeaseEntry | null, now: number): asserts le is LeaseEntry {
  const { error } = checkRenewable(le, now);
  if (error) throw new CofferError('invalid_request', error);
}

/** Seconds left, as Vault computes it (now rounded to the second). */
export function remainingTtl(le: Pick<LeaseEntry, 'expireTime'>, now: number): number {
  if (le.expireTime === 0) return 0;
  const roundedNow = Math.round(now / 1000) * 1000;
  return Math.trunc((le.expireTime - roundedNow) / 1000);
}
