import { CofferError, makeRequest, type Operation, type Request, type Response } from '@coffer/sdk';
import type { Router } from './router.js';

/**
 * Requests the core itself sends to a backend (lease renew/revoke, periodic
 * rollback), routed the same way as client requests.
 */
export async function callBackend(router: Router, fullPath: string, operation: Operation, extra: Partial<Request>): Promise<Response | null> {
  const route = router.match(fullPath);
  if (!route) throw new CofferError('invalid_request', `no mount serves "${fullPath}" any more`);
  const req = makeRequest({
    operation,
    path: fullPath.slice(route.path.length),
    storage: route.storage,
    mountPoint: route.path,
    mountType: route.entry.type,
    mountAccessor: route.entry.accessor,
    ...extra,
  });
  return route.backend.handleRequest(req);
}
