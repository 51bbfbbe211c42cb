import { CofferError } from '@coffer/sdk';
import { isCoreMount } from '../../mounts/mount-type-rules.js';
import type { AclPort } from '../ports.js';
import { requestOf, routeOf, type Stage } from './stage.js';

export interface AuthorizeStageDeps {
  acl: Pick<AclPort, 'authorize'>;
  /** Called for a denied request before the 403 (audit it, charge the token a use). */
  onDenied: (ctx: Parameters<Stage>[0]) => Promise<void>;
}

/** authorize: the ACL decides; the mount's root paths also need sudo. Sudo travels on the request. */
export function authorizeStage(deps: AuthorizeStageDeps): Stage {
  return async (ctx, next) => {
    const token = ctx.token;
    if (token) {
      const req = requestOf(ctx);
      // The entity's and its groups' policies count at request time, so a group change reaches existing tokens.
      const identity = ctx.identity;
      const policies = identity && !token.policies.includes('root') ? [...token.policies, ...identity.policies] : token.policies;
      const decision = await deps.acl.authorize(policies, { path: ctx.incoming.path, operation: req.operation, data: req.data, wrapTtl: ctx.incoming.wrapTtl, identity: identity?.template });
      const needsSudo = routeOf(ctx).rootPaths.matches(ctx.relative);
      if (!decision.allowed || (needsSudo && !decision.rootPrivs)) {
        await deps.onDenied(ctx);
        throw new CofferError('permission_denied', 'permission denied', { errors: ['1 error occurred:\n\t* permission denied\n\n'] });
      }
      ctx.decision = decision;
      // The core's own backends (token create, revoke-orphan) need to know; engines never see it.
      if (isCoreMount(routeOf(ctx).entry)) req.sudo = decision.rootPrivs;
    }
    await next();
  };
}
