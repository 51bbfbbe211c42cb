import { CofferError, makeRequest } from '@coffer/sdk';
import type { AuditPort } from '../core/ports.js';
import type { PipelineContext, Stage } from '../core/pipeline/stage.js';
import type { QuotaStore, RateLimitQuota } from './quota-store.js';
import type { RateLimiter } from './rate-limiter.js';
import { loginRole } from './login-role.js';

/**
 * quota: the most specific rate-limit quota for the request path (a path
 * prefix over its mount over the global one) decides, per client address.
 * Refused: 429 with Vault's message and Retry-After; with
 * enable_rate_limit_response_headers, every answer under a quota carries
 * X-Ratelimit-Limit / -Remaining / -Reset.
 */
export function quotaStage(store: QuotaStore, limiter: RateLimiter, audit?: AuditPort): Stage {
  let seenVersion = -1;
  return async (ctx, next) => {
    if (store.version !== seenVersion) {
      limiter.reset();
      seenVersion = store.version;
    }
    // Most servers have no quota: nothing to look at.
    if (store.isEmpty()) return next();
    const path = ctx.incoming.path;
    const config = store.currentConfig();
    const quota = config.rate_limit_exempt_paths.some((p) => matchesExempt(p, path)) ? undefined : await mostSpecific(store.all(), path, ctx);
    if (!quota) return next();
    const decision = limiter.take(quota, ctx.incoming.connection?.remoteAddress ?? '');
    const headers: Record<string, string> = config.enable_rate_limit_response_headers
      ? { 'X-Ratelimit-Limit': String(decision.limit), 'X-Ratelimit-Remaining': String(decision.remaining), 'X-Ratelimit-Reset': String(decision.resetSeconds) }
      : {};
    if (!decision.allowed) {
      if (config.enable_rate_limit_audit_logging && audit && ctx.route) await auditRefusal(audit, ctx, path);
      throw new CofferError('rate_limited', `request path "${path}": rate limit quota exceeded`, { headers: { ...headers, 'Retry-After': String(decision.resetSeconds) } });
    }
    await next();
    if (config.enable_rate_limit_response_headers && ctx.result) ctx.result.headers = { ...(ctx.result.headers ?? {}), ...headers };
  };
}

/**
 * Longest matching quota path wins ('' (global) matches everything; a mount
 * quota is its router path); on the same path, a quota for the login's role
 * beats one for every role. A quota with a role applies only to logins with
 * that role, so the role is asked of the auth method only when such a quota
 * matches the path.
 */
async function mostSpecific(quotas: Iterable<RateLimitQuota>, path: string, ctx: PipelineContext): Promise<RateLimitQuota | undefined> {
  const mountPath = ctx.route?.path ?? '';
  const matching = [...quotas].filter(
    (quota) => quota.path === '' || quota.path === mountPath || path === quota.path || path.startsWith(quota.path.endsWith('/') ? quota.path : `${quota.path}/`),
  );
  const role = matching.some((quota) => quota.role !== '') ? await loginRole(ctx) : '';
  let best: RateLimitQuota | undefined;
  for (const quota of matching) {
    if (quota.role !== '' && quota.role !== role) continue;
    if (!best || quota.path.length > best.path.length || (quota.path.length === best.path.length && quota.role !== '' && best.role === '')) best = quota;
  }
  return best;
}

/** An exempt path is exact, or a prefix when it ends with "*". */
function matchesExempt(pattern: string, path: string): boolean {
  const p = pattern.replace(/^\/?(v1\/)?/, '');
  return p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p;
}

/** enable_rate_limit_audit_logging: the refused request goes to the audit devices, with its error. */
async function auditRefusal(audit: AuditPort, ctx: PipelineContext, path: string): Promise<void> {
  const route = ctx.route!;
  const request = makeRequest({
    id: ctx.incoming.id,
    operation: ctx.incoming.operation,
    path: ctx.relative,
    data: ctx.incoming.data,
    storage: route.storage,
    mountPoint: route.path,
    mountType: route.entry.type,
    mountAccessor: route.entry.accessor,
    connection: ctx.incoming.connection,
  });
  await audit.logRequest({ request, clientToken: ctx.incoming.token, error: `request path "${path}": rate limit quota exceeded` }).catch(() => undefined);
}
