import { CofferError, getJson, putJson, type Storage } from '@coffer/sdk';

/** sys/quotas/config, as Vault stores and shows it. */
export interface QuotaConfig {
  enable_rate_limit_audit_logging: boolean;
  enable_rate_limit_response_headers: boolean;
  rate_limit_exempt_paths: string[];
}

/** One rate-limit quota (sys/quotas/rate-limit/<name>). Durations in seconds. */
export interface RateLimitQuota {
  name: string;
  /** '' for every request, a mount ("secret/") or a path prefix below one ("secret/data/app"). */
  path: string;
  /** For login paths: the auth method's role this quota is for ('' for all). */
  role: string;
  /** Requests per `interval` (the bucket's size and refill). */
  rate: number;
  interval: number;
  /** Once a client exceeds the rate, it is refused for this long (0: only until tokens refill). */
  block_interval: number;
}

/** Vault's default exemptions: what must work under any quota. */
export const DEFAULT_EXEMPT_PATHS = [
  'sys/generate-recovery-token/attempt',
  'sys/generate-recovery-token/update',
  'sys/generate-root/attempt',
  'sys/generate-root/update',
  'sys/health',
  'sys/seal-status',
  'sys/unseal',
];

const CONFIG_KEY = 'config';
const RATE_LIMIT_PREFIX = 'rate-limit/';

/**
 * Quotas in the barrier (a `sys/quotas/` view) with an in-memory copy that
 * the stage reads on every request; reload() refreshes the copy after a
 * change made below it (another node), through the invalidation mechanism.
 */
export class QuotaStore {
  private config: QuotaConfig = defaultConfig();
  private quotas = new Map<string, RateLimitQuota>();
  /** Bumped on every change: the limiter drops its buckets for quotas that changed. */
  version = 0;

  constructor(private readonly storage: Storage) {}

  async reload(): Promise<void> {
    this.config = { ...defaultConfig(), ...((await getJson<Partial<QuotaConfig>>(this.storage, CONFIG_KEY)) ?? {}) };
    const quotas = new Map<string, RateLimitQuota>();
    for (const name of await this.storage.list(RATE_LIMIT_PREFIX)) {
      const quota = await getJson<RateLimitQuota>(this.storage, RATE_LIMIT_PREFIX + name);
      if (quota) quotas.set(quota.name, quota);
    }
    this.quotas = quotas;
    this.version++;
  }

  currentConfig(): QuotaConfig {
    return this.config;
  }

  async setConfig(config: QuotaConfig): Promise<void> {
    await putJson(this.storage, CONFIG_KEY, config);
    this.config = config;
    this.version++;
  }

  get(name: string): RateLimitQuota | undefined {
    return this.quotas.get(name);
  }

  isEmpty(): boolean {
    return this.quotas.size === 0;
  }

  names(): string[] {
    return [...this.quotas.keys()].sort();
  }

  all(): Iterable<RateLimitQuota> {
    return this.quotas.values();
  }

  async put(quota: RateLimitQuota): Promise<void> {
    if (!/^[\w.-]+$/.test(quota.name)) throw new CofferError('invalid_request', `invalid quota name "${quota.name}"`);
    await putJson(this.storage, RATE_LIMIT_PREFIX + quota.name, quota);
    this.quotas.set(quota.name, quota);
    this.version++;
  }

  async delete(name: string): Promise<void> {
    await this.storage.delete(RATE_LIMIT_PREFIX + name);
    this.quotas.delete(name);
    this.version++;
  }
}

function defaultConfig(): QuotaConfig {
  return { enable_rate_limit_audit_logging: false, enable_rate_limit_response_headers: false, rate_limit_exempt_paths: [...DEFAULT_EXEMPT_PATHS] };
}
