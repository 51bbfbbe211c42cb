import { isCofferError } from '@coffer/sdk';
import type { Route } from '../router.js';
import { requestOf, routeOf, type Stage } from './stage.js';

/** existence: POST/PUT arrive as update; a path whose existence check says "absent" makes it create. */
export function existenceStage(mountError: (route: Route) => string | undefined): Stage {
  return async (ctx, next) => {
    const req = requestOf(ctx);
    const route = routeOf(ctx);
    if (ctx.token && req.operation === 'update' && !mountError(route)) {
      const check = await route.backend.handleExistenceCheck(req).catch((err: unknown) => {
        // An unsupported path is reported by the handler itself, after authorization.
        if (isCofferError(err) && (err.code === 'unsupported_path' || err.code === 'unsupported_operation')) return { checkFound: false, exists: false };
        throw err;
      });
      if (check.checkFound && !check.exists) req.operation = 'create';
    }
    await next();
  };
}
