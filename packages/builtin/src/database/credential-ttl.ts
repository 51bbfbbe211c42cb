import { CofferError, type SystemView } from '@coffer/sdk';
import type { RoleEntry } from './role-entry.js';

/**
 * The lifetime of a credential, chosen as Vault's framework does: the
 * increment asked for (renewals), else the role's default_ttl, else the
 * mount's default; never past the role's max_ttl or the mount's max,
 * counted from when the credential was issued.
 */
export async function credentialTtl(
  system: SystemView,
  role: RoleEntry,
  opts: { increment?: number; issuedAt?: Date; now: Date },
): Promise<{ ttl: number; maxTtl: number }> {
  const mountMax = await system.maxLeaseTtl();
  const maxTtl = role.max_ttl > 0 && (mountMax <= 0 || role.max_ttl < mountMax) ? role.max_ttl : mountMax;
  let ttl = opts.increment && opts.increment > 0 ? opts.increment : role.default_ttl > 0 ? role.default_ttl : await system.defaultLeaseTtl();
  if (maxTtl > 0) {
    const elapsed = opts.issuedAt ? Math.max(0, Math.floor((opts.now.getTime() - opts.issuedAt.getTime()) / 1000)) : 0;
    const left = maxTtl - elapsed;
    if (left <= 0) throw new CofferError('invalid_request', 'past the max TTL, cannot renew');
    ttl = Math.min(ttl, left);
  }
  return { ttl, maxTtl };
}
