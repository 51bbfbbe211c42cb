import type { Logger } from '@coffer/sdk';
import type { JwtConfig } from './config-entry.js';
import type { ProviderCache } from './key-sets.js';
import type { OidcStateStore } from './oidc-state.js';
import type { KeySource } from './verify-jwt.js';

/** What the jwt/oidc path groups share within one mount. */
export interface JwtContext {
  logger: Logger;
  /** Milliseconds since the epoch; injectable so tests can expire tokens and states without waiting. */
  now(): number;
  providers: ProviderCache;
  states: OidcStateStore;
}

/** The keys a JWT login's signature is checked with, by the one key source the config names. */
export async function jwtKeySource(ctx: JwtContext, config: JwtConfig): Promise<KeySource> {
  if (config.jwt_validation_pubkeys.length > 0) return { kind: 'static', keys: ctx.providers.publicKeys(config.jwt_validation_pubkeys) };
  if (config.jwks_url !== '') return { kind: 'jwks', keySet: ctx.providers.keySet(config.jwks_url, config.jwks_ca_pem) };
  const metadata = await ctx.providers.metadata(config.oidc_discovery_url, config.oidc_discovery_ca_pem);
  return { kind: 'jwks', keySet: ctx.providers.keySet(metadata.jwks_uri, config.oidc_discovery_ca_pem) };
}
