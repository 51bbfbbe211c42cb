// The agent's cache of leased responses: a dynamic secret or a token created
// through the agent is remembered under a hash of its request (method, path,
// body, token), so identical requests get the same lease instead of a new
// one. Cached leases are renewed at two thirds of their TTL and dropped when
// they can no longer be renewed, when they are revoked through the agent, or
// by /agent/v1/cache-clear.
import { createHash } from 'node:crypto';
import type { ApiClient } from '../../api/client.js';
import { errorText } from '../error-text.js';
import { renewLease } from '../renew-lease.js';
import type { Logger } from '../logger.js';
import type { ProxiedResponse } from './forward.js';

export interface CacheEntry {
  key: string;
  path: string;
  /** The token the request was made with. */
  requestToken: string;
  leaseId?: string;
  /** For token creation: the created token and its accessor. */
  authToken?: string;
  authAccessor?: string;
  response: ProxiedResponse;
  timer?: NodeJS.Timeout;
  increment: number;
}

export function requestKey(method: string, pathAndQuery: string, body: Buffer, token: string): string {
  return createHash('sha256').update(method).update('\0').update(pathAndQuery).update('\0').update(body).update('\0').update(token).digest('hex');
}

export class LeaseCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    private readonly client: ApiClient,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  /** Caches a response when it carries a lease or a token; returns whether it did. */
  store(key: string, path: string, requestToken: string, response: ProxiedResponse): boolean {
    if (response.status !== 200) return false;
    let parsed: { lease_id?: string; lease_duration?: number; renewable?: boolean; auth?: { client_token?: string; accessor?: string; lease_duration?: number; renewable?: boolean } | null };
    try {
      parsed = JSON.parse(response.body.toString('utf8'));
    } catch {
      return false;
    }
    const entry: CacheEntry = { key, path, requestToken, response, increment: 0 };
    let ttl: number;
    let renewable: boolean;
    if (parsed.auth?.client_token) {
      entry.authToken = parsed.auth.client_token;
      if (parsed.auth.accessor) entry.authAccessor = parsed.auth.accessor;
      ttl = Number(parsed.auth.lease_duration ?? 0);
      renewable = Boolean(parsed.auth.renewable);
    } else if (parsed.lease_id) {
      entry.leaseId = parsed.lease_id;
      ttl = Number(parsed.lease_duration ?? 0);
      renewable = Boolean(parsed.renewable);
    } else {
      return false;
    }
    entry.increment = ttl;
    this.entries.set(key, entry);
    if (ttl > 0) this.schedule(entry, ttl, renewable);
    this.logger.debug('cached a leased response', { path });
    return true;
  }

  private schedule(entry: CacheEntry, ttl: number, renewable: boolean): void {
    clearTimeout(entry.timer);
    const ms = Math.min((ttl * 2000) / 3, 2 ** 31 - 1);
    entry.timer = setTimeout(() => (renewable ? void this.renew(entry) : this.evict(entry, 'its lease is ending')), ms);
    entry.timer.unref();
  }

  private async renew(entry: CacheEntry): Promise<void> {
    if (this.entries.get(entry.key) !== entry) return;
    try {
      const ttl = await renewLease(this.client, entry, entry.requestToken);
      if (ttl < entry.increment) {
        // Its max TTL is near: serve it until shortly before the end, then let the next request fetch a new one.
        this.schedule(entry, ttl, false);
      } else {
        this.schedule(entry, ttl, true);
      }
    } catch (err) {
      this.evict(entry, `renewal failed: ${errorText(err)}`);
    }
  }

  private evict(entry: CacheEntry, why: string): void {
    if (this.entries.get(entry.key) !== entry) return;
    clearTimeout(entry.timer);
    this.entries.delete(entry.key);
    this.logger.debug('evicted a cached lease', { path: entry.path, reason: why });
  }

  /** Drops the entries the predicate selects; returns how many. */
  evictWhere(predicate: (e: CacheEntry) => boolean, why: string): number {
    let n = 0;
    for (const entry of [...this.entries.values()]) {
      if (predicate(entry)) {
        this.evict(entry, why);
        n++;
      }
    }
    return n;
  }

  /** A token is gone, and with it every token and lease created under it (the token tree). */
  evictToken(token: string, why: string): number {
    const gone = new Set([token]);
    let total = 0;
    for (;;) {
      const n = this.evictWhere((e) => {
        if (!gone.has(e.requestToken) && !(e.authToken !== undefined && gone.has(e.authToken))) return false;
        if (e.authToken !== undefined) gone.add(e.authToken);
        return true;
      }, why);
      total += n;
      if (n === 0) return total;
    }
  }

  clear(): void {
    this.evictWhere(() => true, 'cache cleared');
  }
}
