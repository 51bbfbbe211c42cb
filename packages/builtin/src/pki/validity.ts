import { CofferError, type SystemView } from '@coffer/sdk';
import type { LeafNotAfterBehavior } from './issuer-store.js';

export interface ValidityRequest {
  /** Requested TTL in seconds (0: the default). */
  ttl: number;
  /** "YYYY-MM-DDTHH:MM:SSZ": an explicit end instead of a TTL. */
  notAfter: string;
  /** The role's (or 0: the mount's) default and maximum. */
  defaultTtl: number;
  maxTtl: number;
  notBeforeDuration: number;
}

/**
 * The validity period of a new certificate, as Vault computes it: the TTL
 * asked for (or the default), capped at the maximum with a warning, then
 * held within the issuing CA's own validity according to the issuer's
 * leaf_not_after_behavior.
 */
export async function computeValidity(
  req: ValidityRequest,
  system: SystemView,
  now: Date,
  issuer: { notAfter: Date; behavior: LeafNotAfterBehavior } | undefined,
  warnings: string[],
): Promise<{ notBefore: Date; notAfter: Date }> {
  const maxTtl = req.maxTtl > 0 ? req.maxTtl : await system.maxLeaseTtl();
  let notAfter: Date;
  if (req.notAfter) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(req.notAfter)) {
      throw new CofferError('invalid_request', 'not_after must be a UTC time in the format YYYY-MM-ddTHH:MM:SSZ');
    }
    notAfter = new Date(req.notAfter);
    if (Number.isNaN(notAfter.getTime())) throw new CofferError('invalid_request', 'not_after must be a UTC time in the format YYYY-MM-ddTHH:MM:SSZ');
  } else {
    let ttl = req.ttl > 0 ? req.ttl : req.defaultTtl > 0 ? req.defaultTtl : await system.defaultLeaseTtl();
    if (ttl > maxTtl) {
      warnings.push(`TTL "${ttl}s" is longer than permitted maxTTL "${maxTtl}s", so certificate is capped`);
      ttl = maxTtl;
    }
    notAfter = new Date(now.getTime() + ttl * 1000);
  }
  if (notAfter.getTime() <= now.getTime()) throw new CofferError('invalid_request', 'the certificate would already have expired: not_after must be in the future');
  if (issuer && notAfter.getTime() > issuer.notAfter.getTime()) {
    if (issuer.behavior === 'err') {
      throw new CofferError(
        'invalid_request',
        `cannot satisfy request, as TTL would result in notAfter of ${notAfter.toISOString()} that is beyond the expiration of the CA certificate at ${issuer.notAfter.toISOString()}`,
      );
    }
    if (issuer.behavior === 'truncate') notAfter = new Date(issuer.notAfter.getTime());
  }
  // Whole seconds: X.509 times have no fractions.
  const notBefore = new Date(Math.floor((now.getTime() - req.notBeforeDuration * 1000) / 1000) * 1000);
  return { notBefore, notAfter: new Date(Math.floor(notAfter.getTime() / 1000) * 1000) };
}
