import type { Logger } from '@coffer/sdk';
import type { TokenInfo, TokenPort } from '../ports.js';
import type { Stage } from './stage.js';

/** token-use: charge one use of a limited-use token; revoke it once the request that used it up is done. */
export function tokenUseStage(tokens: Pick<TokenPort, 'use' | 'revoke'>, logger: Logger): Stage {
  return async (ctx, next) => {
    const token = ctx.token;
    if (!token) return next();
    const lastUse = await tokens.use(token);
    try {
      await next();
    } finally {
      if (lastUse) await revokeUsedUp(tokens, token, logger);
    }
  };
}

/** Vault charges a use even for a denied request, so a limited-use token cannot probe for free. */
export async function chargeDeniedUse(tokens: Pick<TokenPort, 'use' | 'revoke'>, token: TokenInfo, logger: Logger): Promise<void> {
  const lastUse = await tokens.use(token).catch(() => false);
  if (lastUse) await revokeUsedUp(tokens, token, logger);
}

async function revokeUsedUp(tokens: Pick<TokenPort, 'revoke'>, token: TokenInfo, logger: Logger): Promise<void> {
  await tokens.revoke(token.id).catch((e: unknown) => logger.warn({ err: String(e) }, 'revoking a used-up token failed'));
}
