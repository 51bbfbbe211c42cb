import { isCofferError, makeRequest } from '@coffer/sdk';
import type { AuditPort } from '../ports.js';
import { requestOf, resultOf, type Stage } from './stage.js';

/**
 * audit-refused: a missing or invalid token is recorded too (its HMAC, never
 * the token), as Vault does: guessing at tokens shows in the log.
 */
export function auditRefusedStage(audit: AuditPort): Stage {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      // Only refusals that happen before the request exists; later failures are audit-request's.
      if (!ctx.request && ctx.route) {
        const route = ctx.route;
        const request = makeRequest({
          id: ctx.incoming.id,
          operation: ctx.incoming.operation,
          path: ctx.relative,
          data: ctx.incoming.data,
          storage: route.storage,
          mountPoint: route.path,
          mountType: route.entry.type,
          mountAccessor: route.entry.accessor,
          clientToken: ctx.incoming.token,
          connection: ctx.incoming.connection,
        });
        await audit.logRequest({ request, error: errorText(err) }).catch(() => undefined);
      }
      throw err;
    }
  };
}

/** audit-request: record the request before anything happens; record the error of any later stage. Fails closed. */
export function auditRequestStage(audit: AuditPort): Stage {
  return async (ctx, next) => {
    const request = requestOf(ctx);
    await audit.logRequest({ token: ctx.token, request, clientToken: ctx.incoming.token });
    try {
      await next();
    } catch (err) {
      await audit.logResponse({ token: ctx.token, request, clientToken: ctx.incoming.token, error: errorText(err) }).catch(() => undefined);
      throw err;
    }
  };
}

/** audit-response: record the response (a wrapped one only as its wrap_info). */
export function auditResponseStage(audit: AuditPort): Stage {
  return async (ctx, next) => {
    const result = resultOf(ctx);
    const response = result.wrapInfo ? { data: { wrap_info: result.wrapInfo } } : ctx.response;
    await audit.logResponse({ token: ctx.token, request: requestOf(ctx), clientToken: ctx.incoming.token, response, auth: result.auth });
    await next();
  };
}

/** The denied-request record the authorize stage writes before its 403. */
export async function auditDenied(audit: AuditPort, ctx: Parameters<Stage>[0]): Promise<void> {
  await audit.logRequest({ token: ctx.token, request: requestOf(ctx), clientToken: ctx.incoming.token, error: 'permission denied' }).catch(() => undefined);
}

function errorText(err: unknown): string {
  return isCofferError(err) ? err.message : 'internal error';
}
