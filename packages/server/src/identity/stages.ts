import { CofferError } from '@coffer/sdk';
import { requestIdentity, identityPolicies } from './request-identity.js';
import { entityForLogin } from './login.js';
import type { IdentityStore } from './store.js';
import { resultOf, routeOf, type Stage } from '../core/pipeline/stage.js';

/** identity (after authenticate): the token's entity, its groups' policies and its template values, for authorize. */
export function identityStage(store: IdentityStore): Stage {
  return async (ctx, next) => {
    const entityId = ctx.token?.entityId;
    if (entityId) {
      const identity = requestIdentity(store, entityId);
      if (identity) ctx.identity = identity;
    }
    await next();
  };
}

/**
 * identity-login (before token-issue): a login whose auth names an alias
 * gets its entity (found or created) on the token; a disabled entity
 * cannot log in. The token store's own answers are left alone.
 */
export function identityLoginStage(store: IdentityStore): Stage {
  return async (ctx, next) => {
    const auth = ctx.response?.auth;
    const route = ctx.route;
    // An alias without a name (a faulty auth method) gets no entity rather than a failed login.
    if (auth?.alias?.name && !auth.clientToken && route && route.entry.table === 'auth' && route.entry.type !== 'token') {
      const entity = await entityForLogin(store, { mountAccessor: route.entry.accessor, alias: auth.alias, ...(auth.groupAliases ? { groupAliases: auth.groupAliases } : {}) });
      if (entity.disabled) throw new CofferError('permission_denied', 'permission denied');
      auth.entityId = entity.id;
    }
    await next();
  };
}

/** identity-login-policies (after token-issue): the login answer shows identity_policies and counts them in policies, as Vault's does. */
export function identityLoginPoliciesStage(store: IdentityStore): Stage {
  return async (ctx, next) => {
    const rendered = ctx.result?.auth;
    if (rendered?.entity_id && ctx.response?.auth && !ctx.response.auth.clientToken && routeOf(ctx).entry.table === 'auth') {
      const entity = store.entity(rendered.entity_id);
      const extra = entity ? identityPolicies(store, entity) : [];
      if (extra.length > 0) {
        const result = resultOf(ctx);
        result.auth = { ...rendered, identity_policies: extra, policies: [...new Set([...rendered.token_policies, ...extra])].sort() };
      }
    }
    await next();
  };
}
