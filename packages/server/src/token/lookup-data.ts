import { formatTime } from '../expiration/time-format.js';
import { remainingTtl } from '../expiration/lease-entry.js';
import type { LeaseTimes } from '../expiration/manager.js';
import type { TokenEntry } from './token-entry.js';

/**
 * The `data` of auth/token/lookup*, field for field as Vault answers.
 * `times` is the token's lease (null for a root token that never had one).
 */
export function tokenLookupData(te: TokenEntry, times: LeaseTimes | null, now: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    accessor: te.accessor,
    creation_time: te.creationTime,
    creation_ttl: te.ttl,
    display_name: te.displayName,
    entity_id: te.entityId,
    expire_time: null,
    explicit_max_ttl: te.explicitMaxTtl,
    id: te.id,
    meta: te.meta,
    num_uses: te.numUses,
    orphan: te.parent === '',
    path: te.path,
    policies: te.policies,
    ttl: 0,
    type: te.type,
  };
  if (te.role) data['role'] = te.role;
  if (te.period) data['period'] = te.period;
  if (te.boundCidrs.length > 0) data['bound_cidrs'] = te.boundCidrs;
  if (times) {
    if (times.lastRenewalTime) {
      data['last_renewal_time'] = Math.floor(times.lastRenewalTime / 1000);
      data['last_renewal'] = formatTime(times.lastRenewalTime);
    }
    if (times.expireTime) {
      data['expire_time'] = formatTime(times.expireTime);
      data['ttl'] = remainingTtl(times, now);
    }
    data['renewable'] = times.renewable;
    data['issue_time'] = formatTime(times.issueTime);
  }
  return data;
}

/** A batch token has no lease: its times come from the token itself. */
export function batchLeaseTimes(te: TokenEntry): LeaseTimes {
  const issueTime = te.creationTime * 1000;
  return { issueTime, expireTime: issueTime + te.ttl * 1000, lastRenewalTime: 0, renewable: false };
}
