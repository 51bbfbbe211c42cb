import { CofferError } from '@coffer/sdk';
import type { Router } from '../router.js';
import type { Stage } from './stage.js';

/** route: find the mount serving the path; no mount is a 404 (Vault's message). */
export function routeStage(router: Router): Stage {
  return async (ctx, next) => {
    const path = ctx.incoming.path;
    const route = router.match(path);
    if (!route) throw new CofferError('unsupported_path', `no handler for route "${path}". route entry not found.`);
    ctx.route = route;
    ctx.relative = path.length >= route.path.length ? path.slice(route.path.length) : '';
    ctx.unauthenticated = ctx.incoming.unauthenticated === true || route.unauthenticatedPaths.matches(ctx.relative);
    await next();
  };
}
