import { CofferError } from '@coffer/sdk';
import { goDuration } from './time-format.js';

/** The TTL limits of the mount a lease or token belongs to, after tuning (seconds). */
export interface MountTtls {
  defaultTtl: number;
  maxTtl: number;
}

export interface TtlInput {
  /** Seconds the client asked to extend by (renewals); 0 = none. */
  increment: number;
  /** Seconds the backend asked for; 0 = use the mount's default. */
  backendTtl: number;
  /** Seconds; a periodic lease is always reset to its period. */
  period: number;
  /** Seconds; a backend limit tighter than the mount's max. */
  backendMaxTtl: number;
  /** Seconds; a hard limit counted from startTime that tuning cannot lift. */
  explicitMaxTtl: number;
  /** Milliseconds since the epoch when the lease/token was issued; undefined = now. */
  startTime?: number;
  /** Milliseconds since the epoch. */
  now: number;
  mount: MountTtls;
}

/**
 * Vault's TTL arithmetic, shared by token creation, token renewal and
 * secret renewal: pick the TTL (period, else increment, else the backend's,
 * else the mount default), then cap it so the lease never outlives its max
 * TTL counted from when it was issued. Times are truncated to whole seconds.
 */
export function calculateTtl(input: TtlInput): { ttl: number; warnings: string[] } {
  const warnings: string[] = [];
  const now = Math.floor(input.now / 1000);
  const start = input.startTime === undefined || input.startTime === 0 ? now : Math.floor(input.startTime / 1000);

  let maxTtl = input.mount.maxTtl;
  if (input.backendMaxTtl > 0 && input.backendMaxTtl < maxTtl) maxTtl = input.backendMaxTtl;
  if (input.explicitMaxTtl > 0 && input.explicitMaxTtl < maxTtl) maxTtl = input.explicitMaxTtl;
  if (maxTtl <= 0) throw new CofferError('internal', 'max TTL must be greater than zero');

  let ttl: number;
  let maxValidTime: number | undefined;
  if (input.period > 0) {
    let period = input.period;
    if (period > maxTtl) {
      warnings.push(`period of "${goDuration(period)}" exceeded the effective max_ttl of "${goDuration(maxTtl)}"; period value is capped accordingly`);
      period = maxTtl;
    }
    ttl = period;
    // A periodic token lives forever unless it also has an explicit max TTL.
    if (input.explicitMaxTtl > 0) maxValidTime = start + input.explicitMaxTtl;
  } else {
    if (input.increment > 0) ttl = input.increment;
    else if (input.backendTtl > 0) ttl = input.backendTtl;
    else ttl = input.mount.defaultTtl;
    maxValidTime = start + maxTtl;
  }

  if (maxValidTime !== undefined) {
    const maxValidTtl = maxValidTime - now;
    if (maxValidTtl <= 0) throw new CofferError('invalid_request', 'past the max TTL, cannot renew');
    if (ttl > maxValidTtl) {
      warnings.push(`TTL of "${goDuration(ttl)}" exceeded the effective max_ttl of "${goDuration(maxValidTtl)}"; TTL value is capped accordingly`);
      ttl = maxValidTtl;
    }
  }
  return { ttl, warnings };
}
