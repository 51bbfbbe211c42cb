import { makeRequest } from '@coffer/sdk';
import { backendRequestHeaders, type MountBoundary } from '../../mounts/mount-boundary.js';
import { routeOf, type Stage } from './stage.js';

/**
 * request: the request as the backend sees it. This is the mount boundary:
 * the backend gets a per-mount form of the client token (never the token
 * itself, except for the core's own mounts) and only the request headers
 * the mount passes through.
 */
export function requestStage(boundary: Pick<MountBoundary, 'clientToken'>): Stage {
  return async (ctx, next) => {
    const route = routeOf(ctx);
    const { incoming, caller, token } = ctx;
    const request = makeRequest({
      id: incoming.id,
      operation: incoming.operation,
      path: ctx.relative,
      data: incoming.data,
      storage: route.storage,
      mountPoint: route.path,
      mountType: route.entry.type,
      mountAccessor: route.entry.accessor,
      clientTokenAccessor: caller?.accessor ?? '',
      clientTokenRemainingUses: token && token.numUses > 0 ? token.numUses - 1 : 0,
      displayName: caller?.displayName ?? '',
      entityId: caller?.entityId ?? '',
      // With the entity's and its groups' policies (sys/capabilities-self, mount listings), as Vault's request carries them.
      policies: ctx.identity && caller && !caller.policies.includes('root') ? [...new Set([...caller.policies, ...ctx.identity.policies])] : (caller?.policies ?? []),
      headers: backendRequestHeaders(route.entry, incoming.headers),
      connection: incoming.connection,
      unauthenticated: ctx.unauthenticated,
      wrapInfo: incoming.wrapTtl ? { ttl: incoming.wrapTtl, format: incoming.wrapFormat ?? '' } : undefined,
    });
    // Computed (an HMAC) only if the backend reads it: most requests to an engine never do.
    let clientToken: string | undefined;
    Object.defineProperty(request, 'clientToken', {
      enumerable: true,
      configurable: true,
      get: () => (clientToken ??= boundary.clientToken(route, caller)),
      set: (value: string) => {
        clientToken = value;
      },
    });
    ctx.request = request;
    await next();
  };
}
