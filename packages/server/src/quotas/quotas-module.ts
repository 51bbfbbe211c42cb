import { StorageView } from '@coffer/sdk';
import type { CoreModule } from '../core/modules/module.js';
import { QuotaStore } from './quota-store.js';
import { RateLimiter } from './rate-limiter.js';
import { quotaStage } from './stage-quota.js';
import { quotaSysPaths } from './sys-paths.js';

const QUOTA_PREFIX = 'sys/quotas/';

/**
 * Rate-limit quotas as a module: stored under sys/quotas/ (so they survive
 * a restart), loaded at unseal, reloaded when invalidated, enforced by the
 * quota stage. Buckets live in memory on each node, as in Vault.
 */
export const quotasModule: CoreModule = {
  name: 'quotas',
  needs: ['barrier', 'router', 'audit'],
  build(ctx) {
    const store = new QuotaStore(new StorageView(ctx.get('barrier'), QUOTA_PREFIX));
    return {
      stages: [{ name: 'quota', stage: quotaStage(store, new RateLimiter(), ctx.get('audit')) }],
      sysPaths: quotaSysPaths(store, ctx.get('router')),
      invalidation: [{ prefix: QUOTA_PREFIX, invalidate: () => store.reload() }],
      start: () => store.reload(),
    };
  },
};
