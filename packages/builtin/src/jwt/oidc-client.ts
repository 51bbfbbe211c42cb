import { createHash, timingSafeEqual } from 'node:crypto';
import { signingAlgorithms, type JwtConfig } from './config-entry.js';
import type { ProviderMetadata } from './discovery.js';
import type { ProviderCache } from './key-sets.js';
import { callProvider, parseJsonObject, ProviderError } from './provider-http.js';
import type { JwtRole } from './role-entry.js';
import { audienceOf, TokenInvalidError, validateStandardClaims, verifySignature, type Claims } from './verify-jwt.js';

/** PKCE S256: the challenge is the base64url SHA-256 of the verifier. */
export const codeChallenge = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

export interface AuthUrlInput {
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  nonce: string;
  codeVerifier: string;
  maxAge: number;
}

/** The provider's authorization URL for the authorization code flow with PKCE. */
export function authorizationUrl(metadata: ProviderMetadata, input: AuthUrlInput): string {
  const url = new URL(metadata.authorization_endpoint);
  const scopes = ['openid', ...input.scopes.filter((s) => s !== 'openid')];
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', scopes.join(' '));
  url.searchParams.set('state', input.state);
  url.searchParams.set('nonce', input.nonce);
  url.searchParams.set('code_challenge', codeChallenge(input.codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  if (input.maxAge > 0) url.searchParams.set('max_age', String(input.maxAge));
  return url.href;
}

export interface TokenResponse {
  idToken: string;
  accessToken: string;
}

/** Exchange the authorization code at the token endpoint, authenticating as the configured client. */
export async function exchangeCode(metadata: ProviderMetadata, config: JwtConfig, code: string, redirectUri: string, codeVerifier: string): Promise<TokenResponse> {
  if (metadata.token_endpoint === '') throw new ProviderError('the provider has no token endpoint');
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const methods = metadata.token_endpoint_auth_methods_supported;
  if (methods.length === 0 || methods.includes('client_secret_basic')) {
    // RFC 6749 section 2.3.1: both halves are form-encoded before base64.
    const pair = `${encodeURIComponent(config.oidc_client_id)}:${encodeURIComponent(config.oidc_client_secret)}`;
    headers['authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', config.oidc_client_id);
    form.set('client_secret', config.oidc_client_secret);
  }
  const reply = await callProvider(metadata.token_endpoint, {
    method: 'POST',
    headers,
    body: form.toString(),
    ...(config.oidc_discovery_ca_pem ? { caPem: config.oidc_discovery_ca_pem } : {}),
  });
  const body = parseJsonObject(reply.body, 'the token endpoint');
  if (reply.status !== 200) {
    const error = typeof body['error'] === 'string' ? body['error'] : `HTTP ${reply.status}`;
    const description = typeof body['error_description'] === 'string' ? `: ${body['error_description'].slice(0, 200)}` : '';
    throw new ProviderError(`${error}${description}`);
  }
  const idToken = typeof body['id_token'] === 'string' ? body['id_token'] : '';
  if (idToken === '') throw new ProviderError('the token response has no id_token');
  return { idToken, accessToken: typeof body['access_token'] === 'string' ? body['access_token'] : '' };
}

/** The checks OpenID Connect Core (3.1.3.7) requires of an ID token, nonce and max_age included. */
export async function verifyIdToken(
  providers: ProviderCache,
  metadata: ProviderMetadata,
  config: JwtConfig,
  role: JwtRole,
  idToken: string,
  nonce: string,
  nowSeconds: number,
): Promise<Claims> {
  const allowed = signingAlgorithms(config);
  const offered = metadata.id_token_signing_alg_values_supported.length > 0 ? metadata.id_token_signing_alg_values_supported : ['RS256'];
  const algorithms = offered.filter((a) => allowed.includes(a));
  const claims = await verifySignature(idToken, { kind: 'jwks', keySet: providers.keySet(metadata.jwks_uri, config.oidc_discovery_ca_pem) }, algorithms);
  if (claims['iss'] !== metadata.issuer) throw new TokenInvalidError('id_token issuer does not match the provider');
  const audiences = audienceOf(claims);
  if (!audiences.includes(config.oidc_client_id)) throw new TokenInvalidError('id_token audience does not include the client ID');
  if (audiences.length > 1 && claims['azp'] !== undefined && claims['azp'] !== config.oidc_client_id) {
    throw new TokenInvalidError('id_token authorized party (azp) is not the client ID');
  }
  if (typeof claims['exp'] !== 'number') throw new TokenInvalidError('id_token has no exp claim');
  validateStandardClaims(
    claims,
    { issuer: '', subject: '', audiences: [], clockSkewLeeway: role.clock_skew_leeway, expirationLeeway: -1, notBeforeLeeway: -1 },
    nowSeconds,
  );
  if (typeof claims['nonce'] !== 'string' || !sameSecret(claims['nonce'], nonce)) throw new TokenInvalidError('invalid id_token nonce');
  if (role.max_age > 0) {
    const authTime = claims['auth_time'];
    if (typeof authTime !== 'number') throw new TokenInvalidError('id_token has no auth_time claim, but the role sets max_age');
    if (nowSeconds - authTime > role.max_age + Math.max(role.clock_skew_leeway, 0)) throw new TokenInvalidError('the user authenticated too long ago (max_age)');
  }
  return claims;
}

/**
 * Claims from the userinfo endpoint, when the provider has one. OpenID
 * Connect Core 5.3.2: they count only if their sub is the ID token's.
 */
export async function fetchUserInfo(metadata: ProviderMetadata, config: JwtConfig, accessToken: string, subject: unknown): Promise<Claims | undefined> {
  if (metadata.userinfo_endpoint === '' || accessToken === '') return undefined;
  const reply = await callProvider(metadata.userinfo_endpoint, {
    headers: { authorization: `Bearer ${accessToken}` },
    ...(config.oidc_discovery_ca_pem ? { caPem: config.oidc_discovery_ca_pem } : {}),
  });
  if (reply.status !== 200) throw new ProviderError(`the userinfo endpoint answered HTTP ${reply.status}`);
  const info = parseJsonObject(reply.body, 'the userinfo endpoint');
  if (info['sub'] !== subject) throw new ProviderError('the userinfo sub does not match the id_token sub');
  return info;
}

export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
