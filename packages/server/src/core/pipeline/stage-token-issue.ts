import type { Response } from '@coffer/sdk';
import type { MountEntry } from '../../mounts/mount-entry.js';
import { renderAuthBlock, type RenderedAuth } from '../pipeline-types.js';
import type { TokenPort } from '../ports.js';
import { resultOf, routeOf, type Stage } from './stage.js';

export interface TokenIssueStageDeps {
  tokens: Pick<TokenPort, 'issueFromAuth'>;
  mountTtls: (entry: MountEntry) => { defaultTtl: number; maxTtl: number };
}

/** token-issue: a login's auth becomes a token; the token store's own answers are rendered as they are. */
export function tokenIssueStage(deps: TokenIssueStageDeps): Stage {
  return async (ctx, next) => {
    const auth = ctx.response?.auth;
    if (auth) {
      const route = routeOf(ctx);
      const result = resultOf(ctx);
      if (!auth.clientToken && route.entry.table === 'auth' && route.entry.type !== 'token') {
        const ttls = deps.mountTtls(route.entry);
        result.auth = await deps.tokens.issueFromAuth({
          auth: { ...auth, displayName: loginDisplayName(route.entry, auth.displayName) },
          path: ctx.loginPath ?? ctx.incoming.path,
          mountPath: `auth/${route.entry.path}`,
          mountAccessor: route.entry.accessor,
          mountType: route.entry.type,
          defaultTtl: ttls.defaultTtl,
          maxTtl: ttls.maxTtl,
          tokenType: route.entry.config.token_type,
        });
      } else if (auth.clientToken || route.entry.type === 'token') {
        // The token store answers with tokens it created itself (or, for renew-accessor, with no token at all).
        result.auth = authBlockFrom(ctx.response!);
      }
    }
    await next();
  };
}

/** Vault prefixes login tokens' display names with the auth mount ("userpass-alice"). */
function loginDisplayName(entry: MountEntry, name: string): string {
  const mount = entry.path.replace(/\/$/, '').replace(/\//g, '-');
  return name ? `${mount}-${name}` : mount;
}

function authBlockFrom(response: Response): RenderedAuth {
  const auth = response.auth!;
  return renderAuthBlock({ ...auth, clientToken: auth.clientToken ?? '', accessor: auth.accessor ?? '' }, auth.tokenType === 'batch' ? 'batch' : 'service', auth.orphan ?? false);
}
