import { auditDenied } from '../pipeline/stage-audit.js';
import { authorizeStage } from '../pipeline/stage-authorize.js';
import { chargeDeniedUse } from '../pipeline/stage-token-use.js';
import type { CoreModule } from './module.js';

/** Authorization in the request path: ACL and sudo; a denied request is audited and still costs a token use. */
export const authorizeModule: CoreModule = {
  name: 'authorize',
  needs: ['acl', 'audit', 'tokens'],
  build(ctx) {
    const audit = ctx.get('audit');
    const tokens = ctx.get('tokens').port;
    return {
      stages: [
        {
          name: 'authorize',
          stage: authorizeStage({
            acl: ctx.get('acl'),
            onDenied: async (pctx) => {
              await auditDenied(audit, pctx);
              if (pctx.token) await chargeDeniedUse(tokens, pctx.token, ctx.logger);
            },
          }),
        },
      ],
    };
  },
};
