import { CofferError, type Response } from '@coffer/sdk';
import { backendResponseHeaders } from '../../mounts/mount-boundary.js';
import type { Route } from '../router.js';
import { requestOf, routeOf, type Stage } from './stage.js';

/** Sys paths whose Vault responses also carry the data at the top level of the body. */
const LEGACY_TOP_LEVEL = [/^sys\/mounts\/?$/, /^sys\/auth\/?$/, /^sys\/policy(\/.+)?\/?$/, /^sys\/audit\/?$/, /^sys\/capabilities(-self|-accessor)?$/, /^sys\/mounts\/.+\/tune$/, /^sys\/auth\/.+\/tune$/, /^sys\/key-status$/, /^sys\/ha-status$/];

/**
 * dispatch: call the backend. A mount whose backend could not start answers
 * 503 with the reason; a read or list that found nothing is a 404. Response
 * headers the mount does not allow are dropped here (the mount boundary).
 */
export function dispatchStage(mountError: (route: Route) => string | undefined): Stage {
  return async (ctx, next) => {
    const route = routeOf(ctx);
    const req = requestOf(ctx);
    const error = mountError(route);
    if (error) throw new CofferError('unavailable', `mount "${route.path}" is not available: ${error}`);

    let response = await route.backend.handleRequest(req);
    // Vault answers a read or list that found nothing with 404 and an empty error list.
    if (!response && (req.operation === 'read' || req.operation === 'list')) throw new CofferError('not_found', '');
    if (req.operation === 'list' && !req.wrapInfo && isEmptyList(response)) throw new CofferError('not_found', '');
    if (response?.headers) response = { ...response, headers: backendResponseHeaders(route, response.headers) };
    ctx.response = response;
    ctx.result = {
      requestId: req.id,
      response,
      mountType: route.entry.type,
      mergeDataIntoBody: route.entry.type === 'system' && LEGACY_TOP_LEVEL.some((re) => re.test(ctx.incoming.path)),
    };
    await next();
  };
}

/** A list answer with no keys (and nothing else to say) is a 404, as a read that found nothing (Vault's rule). */
function isEmptyList(response: Response | null): boolean {
  if (!response || response.warnings?.length) return false;
  const data = response.data ?? {};
  if (Object.keys(data).length === 0) return true;
  const keys = data['keys'];
  if (keys === undefined || keys === null) return false;
  return Array.isArray(keys) && keys.length === 0;
}
