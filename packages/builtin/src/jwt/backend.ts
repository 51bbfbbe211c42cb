import { createBackend, type Backend, type BackendConfig, type BackendFactory } from '@coffer/sdk';
import { CONFIG_KEY } from './config-entry.js';
import type { JwtContext } from './context.js';
import { ProviderCache } from './key-sets.js';
import { OidcStateStore } from './oidc-state.js';
import { pathConfig } from './path-config.js';
import { pathLogin, renewLogin } from './path-login.js';
import { pathOidc } from './path-oidc.js';
import { pathRoles } from './path-roles.js';

export interface JwtOptions {
  /** Milliseconds since the epoch (tests move the clock to expire tokens and OIDC states). */
  now?: () => number;
  /** How soon a token with an unknown key ID may refetch a key set (tests rotate keys without waiting). */
  jwksCooldownMs?: number;
}

const HELP =
  'The JWT/OIDC auth method lets users and workloads log in with a JSON Web Token signed by a trusted key (static ' +
  'PEM keys, a JWKS URL or an OpenID provider\'s keys) at "login", or through an OpenID Connect browser flow ' +
  '("oidc/auth_url", then "oidc/callback"). Configure the key source and the provider at "config"; roles under ' +
  '"role/" bind the claims a token must carry and set the tokens it receives.';

export async function createJwtBackend(conf: BackendConfig, options: JwtOptions = {}): Promise<Backend> {
  const now = options.now ?? Date.now;
  const ctx: JwtContext = { logger: conf.logger, now, providers: new ProviderCache(options.jwksCooldownMs), states: new OidcStateStore(now) };
  return createBackend({
    type: 'credential',
    help: HELP,
    pathsSpecial: { unauthenticated: ['login', 'oidc/auth_url', 'oidc/callback'] },
    paths: [pathConfig(ctx), ...pathRoles(), pathLogin(ctx), ...pathOidc(ctx)],
    authRenew: renewLogin,
    // Pending OIDC logins that were never finished.
    periodic: ({ storage }) => ctx.states.sweep(storage),
    // Another node changed the config: what was fetched for the old one no longer applies.
    invalidate: (key) => {
      if (key === CONFIG_KEY) ctx.providers.clear();
    },
  });
}

export const jwtFactory: BackendFactory = (conf) => createJwtBackend(conf);
