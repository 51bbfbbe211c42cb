import { makeRequest } from '@coffer/sdk';
import type { PipelineContext } from '../core/pipeline/stage.js';

/**
 * The role a login request would use, as its auth method tells it through
 * the SDK's `resolve-role` operation (approle answers with the role its
 * role_id names). '' when the request is not a login, the method has no
 * roles, or it cannot tell (bad input is the login's to refuse, not the
 * quota's).
 */
export async function loginRole(ctx: PipelineContext): Promise<string> {
  const route = ctx.route;
  if (!route || route.entry.table !== 'auth' || !ctx.unauthenticated) return '';
  try {
    const response = await route.backend.handleRequest(
      makeRequest({
        id: ctx.incoming.id,
        operation: 'resolve-role',
        path: ctx.relative,
        data: ctx.incoming.data,
        storage: route.storage,
        mountPoint: route.path,
        mountType: route.entry.type,
        mountAccessor: route.entry.accessor,
        connection: ctx.incoming.connection,
        unauthenticated: true,
      }),
    );
    const role = response?.data?.['role'];
    return typeof role === 'string' ? role : '';
  } catch {
    return '';
  }
}
