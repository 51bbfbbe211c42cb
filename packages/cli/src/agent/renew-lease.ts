import type { ApiClient } from '../api/client.js';

/** What to renew: a login's token (renew-self) or a secret's lease, by `increment` seconds. */
export interface Renewable {
  /** Set for a login: the token renewed with auth/token/renew-self. */
  authToken?: string | undefined;
  /** Otherwise: the lease renewed with sys/leases/renew. */
  leaseId?: string | undefined;
  increment: number;
}

/**
 * Renews a leased token or secret and returns the new TTL in seconds (below
 * `increment` when its max TTL is near). `token` authorises the lease renewal.
 */
export async function renewLease(client: ApiClient, renewable: Renewable, token: string): Promise<number> {
  if (renewable.authToken !== undefined) {
    const s = await client.secret('PUT', 'auth/token/renew-self', { token: renewable.authToken, body: { increment: renewable.increment }, noWrap: true });
    return Number(s?.auth?.lease_duration ?? 0);
  }
  const s = await client.secret('PUT', 'sys/leases/renew', { token, body: { lease_id: renewable.leaseId, increment: renewable.increment }, noWrap: true });
  return Number(s?.lease_duration ?? 0);
}
