import { LruCache } from '../policy/lru-cache.js';
import type { RateLimitQuota } from './quota-store.js';

/** Client buckets kept (per quota and client address); an evicted client starts with a full bucket. */
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  updatedMs: number;
  blockedUntilMs: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a request would be allowed again (or until the bucket is full). */
  resetSeconds: number;
}

/**
 * Token buckets per quota and client address, as Vault's rate limiter: a
 * bucket holds `rate` requests and refills at `rate` per `interval`; a
 * client that finds it empty is refused, and with a `block_interval`, stays
 * refused for that long.
 */
export class RateLimiter {
  private buckets = new LruCache<string, Bucket>(MAX_BUCKETS);

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Forget every bucket (the quotas changed). */
  reset(): void {
    this.buckets = new LruCache<string, Bucket>(MAX_BUCKETS);
  }

  take(quota: RateLimitQuota, client: string): RateDecision {
    const now = this.now();
    const key = `${quota.name}\u0000${client}`;
    const perMs = quota.rate / (quota.interval * 1000);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: quota.rate, updatedMs: now, blockedUntilMs: 0 };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(quota.rate, bucket.tokens + (now - bucket.updatedMs) * perMs);
    bucket.updatedMs = now;
    const limit = Math.floor(quota.rate);
    if (now < bucket.blockedUntilMs) {
      return { allowed: false, limit, remaining: 0, resetSeconds: Math.ceil((bucket.blockedUntilMs - now) / 1000) };
    }
    if (bucket.tokens < 1) {
      if (quota.block_interval > 0) bucket.blockedUntilMs = now + quota.block_interval * 1000;
      const wait = quota.block_interval > 0 ? quota.block_interval * 1000 : (1 - bucket.tokens) / perMs;
      return { allowed: false, limit, remaining: 0, resetSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    bucket.tokens -= 1;
    return { allowed: true, limit, remaining: Math.floor(bucket.tokens), resetSeconds: Math.ceil((quota.rate - bucket.tokens) / perMs / 1000) };
  }
}
