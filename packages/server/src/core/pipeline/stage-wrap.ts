import type { ResponseWrapper } from '../wrapping.js';
import { requestOf, resultOf, type Stage } from './stage.js';

/** Unwrapping and wrapping-lookups must never wrap their own answer. */
const WRAPPING_EXEMPT = new Set(['sys/wrapping/unwrap', 'sys/wrapping/lookup']);

/** wrap: response wrapping, asked for by the client (X-Vault-Wrap-TTL) or by the backend (sys/wrapping/wrap). */
export function wrapStage(wrapper: Pick<ResponseWrapper, 'wrap'>): Stage {
  return async (ctx, next) => {
    const response = ctx.response;
    const wrapTtl = response?.wrapInfo?.ttl ?? requestOf(ctx).wrapInfo?.ttl;
    if (wrapTtl && response && !WRAPPING_EXEMPT.has(ctx.incoming.path)) {
      const result = resultOf(ctx);
      result.wrapInfo = await wrapper.wrap({ result, ttl: wrapTtl, creationPath: ctx.incoming.path, parent: ctx.token });
    }
    await next();
  };
}
