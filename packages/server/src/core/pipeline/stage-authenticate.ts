import { CofferError } from '@coffer/sdk';
import type { TokenPort } from '../ports.js';
import { wrappingTokenRefusal } from '../wrapping-token-refusal.js';
import type { Stage } from './stage.js';

/**
 * authenticate: resolve the client token; a missing or invalid one is refused
 * (403), except a spent wrapping token on sys/wrapping/*, which is a 400.
 */
export function authenticateStage(tokens: Pick<TokenPort, 'check'>): Stage {
  return async (ctx, next) => {
    const { token, connection } = ctx.incoming;
    const remote = connection?.remoteAddress;
    if (!ctx.unauthenticated) {
      if (!token) throw new CofferError('permission_denied', 'permission denied');
      try {
        ctx.token = await tokens.check(token, remote);
      } catch (err) {
        throw wrappingTokenRefusal(ctx.incoming, err) ?? err;
      }
      ctx.caller = ctx.token;
    } else if (token) {
      // On unauthenticated paths Vault still hands a valid token to the backend (sys/internal/ui/mounts
      // filters by it); it is neither authorized nor charged a use, and an invalid one is ignored.
      ctx.caller = await tokens.check(token, remote).catch(() => undefined);
    }
    await next();
  };
}
