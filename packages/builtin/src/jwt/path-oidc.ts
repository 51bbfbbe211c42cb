import { CofferError, definePath, randomToken, type FieldSchema, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { isOidcFlow, readConfig } from './config-entry.js';
import type { ProviderMetadata } from './discovery.js';
import type { JwtContext } from './context.js';
import { authForClaims, checkBoundCidrs } from './login-auth.js';
import { authorizationUrl, exchangeCode, fetchUserInfo, sameSecret, verifyIdToken } from './oidc-client.js';
import { ProviderError } from './provider-http.js';
import { isAllowedRedirect } from './redirect-uri.js';
import { canonicalRoleName, readRole } from './role-entry.js';
import { TokenInvalidError, type Claims } from './verify-jwt.js';

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);
/** Vault's prefix for callback failures; its UI looks for it. */
const LOGIN_FAILED = 'Vault login failed.';

const AUTH_URL_FIELDS = {
  role: { type: 'string', description: 'The role to log in with; defaults to the configured default_role.' },
  redirect_uri: { type: 'string', description: 'Where the provider sends the browser back; must be one of the role\'s allowed_redirect_uris.' },
  client_nonce: {
    type: 'string',
    description: 'Optional value the client must present again at the callback, so that only it can finish the login it started.',
  },
} satisfies Record<string, FieldSchema>;

const CALLBACK_FIELDS = {
  state: { type: 'string', description: 'The state the provider sent back.', query: true },
  code: { type: 'string', description: 'The authorization code the provider sent back.', query: true },
  id_token: { type: 'string', description: 'Not supported: Coffer uses the authorization code flow.', query: true },
  client_nonce: { type: 'string', description: 'The client_nonce given to auth_url, if one was.', query: true },
} satisfies Record<string, FieldSchema>;

export function pathOidc(ctx: JwtContext): PathDefinition[] {
  const callback = (req: Request, d: TypedFieldData<typeof CALLBACK_FIELDS>) => oidcCallback(ctx, req, d);
  return [
    definePath({
      pattern: 'oidc/auth_url$',
      fields: AUTH_URL_FIELDS,
      operations: { update: { callback: (req, d) => authUrl(ctx, req, d), summary: 'Start an OIDC login: get the provider URL to send the browser to.' } },
      helpSynopsis: 'Start an OIDC browser login.',
      helpDescription:
        'Returns auth_url, the provider\'s authorization URL with a fresh state, nonce and PKCE challenge. The state is ' +
        'kept (encrypted) in the mount\'s storage, so any node of a cluster can finish the login; it is valid for five ' +
        'minutes and for one callback. auth_url is empty when the redirect_uri is not allowed by the role.',
    }),
    definePath({
      pattern: 'oidc/callback$',
      fields: CALLBACK_FIELDS,
      operations: {
        read: { callback, summary: 'Finish an OIDC login (the redirect from the provider).' },
        update: { callback, summary: 'Finish an OIDC login.' },
      },
      helpSynopsis: 'Finish an OIDC browser login and receive a token.',
      helpDescription:
        'Exchanges the code at the provider\'s token endpoint (with the PKCE verifier), checks the ID token\'s ' +
        'signature, issuer, audience, expiry and nonce, merges the userinfo claims, then applies the role as a JWT ' +
        'login does.',
    }),
  ];
}

async function authUrl(ctx: JwtContext, req: Request, d: TypedFieldData<typeof AUTH_URL_FIELDS>): Promise<Response> {
  const config = await readConfig(req.storage);
  if (!config) throw invalid('could not load configuration');
  if (!isOidcFlow(config)) throw invalid('OIDC login is not configured for this mount');
  const roleName = canonicalRoleName(d.values.role || config.default_role);
  if (roleName === '') throw invalid('missing role');
  const redirectUri = d.values.redirect_uri;
  if (redirectUri === '') throw invalid('missing redirect_uri');
  const role = await readRole(req.storage, roleName);
  if (!role) throw invalid(`role ${JSON.stringify(roleName)} could not be found`);

  // As Vault does, an unknown redirect URI gets an empty auth_url rather than an error (the CLI reports it).
  if (!isAllowedRedirect(redirectUri, role.allowed_redirect_uris)) {
    ctx.logger.warn({ redirect_uri: redirectUri, role: roleName }, 'unauthorized redirect_uri');
    return { data: { auth_url: '' }, warnings: [`redirect_uri ${JSON.stringify(redirectUri)} is not in the allowed_redirect_uris of role ${JSON.stringify(roleName)}`] };
  }
  let metadata: ProviderMetadata;
  try {
    metadata = await ctx.providers.metadata(config.oidc_discovery_url, config.oidc_discovery_ca_pem);
  } catch (err) {
    throw invalid(`error fetching the OIDC discovery document: ${(err as Error).message}`);
  }
  const nonce = randomToken();
  const codeVerifier = randomToken();
  const state = await ctx.states.create(req.storage, { roleName, redirectUri, nonce, codeVerifier, clientNonce: d.values.client_nonce });
  const url = authorizationUrl(metadata, {
    clientId: config.oidc_client_id,
    redirectUri,
    scopes: role.oidc_scopes,
    state,
    nonce,
    codeVerifier,
    maxAge: role.max_age,
  });
  return { data: { auth_url: url } };
}

async function oidcCallback(ctx: JwtContext, req: Request, d: TypedFieldData<typeof CALLBACK_FIELDS>): Promise<Response> {
  const config = await readConfig(req.storage);
  if (!config || !isOidcFlow(config)) throw invalid(`${LOGIN_FAILED} Could not load configuration.`);
  // Taking the state is a storage write: on a performance standby this hands the callback to the active node.
  const pending = await ctx.states.take(req.storage, d.values.state);
  if (!pending) throw invalid(`${LOGIN_FAILED} Expired or missing OAuth state.`);
  if (pending.clientNonce !== '' && !sameSecret(pending.clientNonce, d.values.client_nonce)) throw invalid('invalid client_nonce');
  const role = await readRole(req.storage, pending.roleName);
  if (!role) throw invalid(`${LOGIN_FAILED} Role could not be found`);
  checkBoundCidrs(req, role);
  const code = d.values.code;
  if (code === '') throw invalid(`${LOGIN_FAILED} No code or id_token received.`);

  let claims: Claims;
  let accessToken: string;
  let metadata: ProviderMetadata;
  try {
    metadata = await ctx.providers.metadata(config.oidc_discovery_url, config.oidc_discovery_ca_pem);
    const tokens = await exchangeCode(metadata, config, code, pending.redirectUri, pending.codeVerifier);
    accessToken = tokens.accessToken;
    claims = await verifyIdToken(ctx.providers, metadata, config, role, tokens.idToken, pending.nonce, Math.floor(ctx.now() / 1000));
  } catch (err) {
    if (err instanceof ProviderError || err instanceof TokenInvalidError) {
      throw invalid(`${LOGIN_FAILED} Error exchanging oidc code: ${JSON.stringify(err.message)}.`);
    }
    throw err;
  }
  delete claims['nonce'];
  if (role.bound_subject !== '' && claims['sub'] !== role.bound_subject) throw invalid('sub claim does not match bound subject');

  // A userinfo failure does not fail the login (the ID token already proved who this is).
  try {
    const info = await fetchUserInfo(metadata, config, accessToken, claims['sub']);
    if (info) claims = { ...claims, ...info };
  } catch (err) {
    ctx.logger.warn({ error: (err as Error).message }, 'error reading the userinfo endpoint');
  }
  if (role.verbose_oidc_logging) ctx.logger.debug({ claims }, 'OIDC provider response');
  return { auth: authForClaims(pending.roleName, role, claims) };
}
