import { createHash, timingSafeEqual } from 'node:crypto';
import { definePath, randomToken, type PathDefinition, type Request, type Response, type Storage } from '@coffer/sdk';
import { requestIdentity } from '../request-identity.js';
import type { IdentityStore } from '../store.js';
import { renderClaims } from './claims-template.js';
import { CODE_TTL_MS, type ProviderFlowRecords } from './flow-records.js';
import { issuerBase } from './issuer.js';
import { SIGNING_ALGORITHMS, signJwt } from './jws.js';
import { currentKey, keyAllowsClient } from './named-keys.js';
import { allRecords, clientById, readRecord, type Assignment, type Client, type Provider, type Scope } from './provider-store.js';

/** An OAuth error answer: bare JSON, as the token and userinfo endpoints of any OIDC provider answer. */
function oauthError(status: number, error: string, description: string): Response {
  return { data: { http_status_code: status, http_content_type: 'application/json', http_raw_body: JSON.stringify({ error, error_description: description }) } };
}

function rawJson(body: unknown): Response {
  return { data: { http_status_code: 200, http_content_type: 'application/json', http_raw_body: JSON.stringify(body) } };
}

const sameSecret = (a: string, b: string): boolean => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
};

/**
 * Coffer as an OIDC provider (identity/oidc/provider/:name/...): discovery
 * and keys, authorize (for a Coffer token with an entity; authorization code
 * flow, PKCE plain or S256), token (client_secret_post, client_secret_basic
 * or none with PKCE for public clients) and userinfo. Codes and access
 * tokens are kept in the identity mount's storage (flow-records.ts), so a
 * code issued on one node is redeemed on another; issuing or redeeming one
 * is a storage write, which a performance standby hands to the active node.
 */
export function providerFlowPaths(store: IdentityStore, records: ProviderFlowRecords): PathDefinition[] {
  const { codes, accessTokens } = records;
  const now = () => store.now();

  const issuerOf = async (storage: Storage, provider: Provider): Promise<{ base: string; issuer: string }> => {
    const base = provider.issuer || (await issuerBase(storage, store.serverAddress));
    return { base, issuer: `${base}/v1/identity/oidc/provider/${provider.name}` };
  };
  const allowsClient = (provider: Provider, clientId: string) => provider.allowedClientIds.includes('*') || provider.allowedClientIds.includes(clientId);

  /** Whether the entity is named by one of the client's assignments, directly or through a group it is in. */
  const assigned = async (storage: Storage, client: Client, entityId: string): Promise<boolean> => {
    if (client.assignments.includes('allow_all')) return true;
    const groups = new Set([...store.directGroupsOf(entityId), ...store.inheritedGroupsOf(entityId)].map((g) => g.id));
    for (const name of client.assignments) {
      const a = await readRecord<Assignment>(storage, 'assignment', name);
      if (a && (a.entityIds.includes(entityId) || a.groupIds.some((g) => groups.has(g)))) return true;
    }
    return false;
  };

  /** The claims the scopes add for the entity (scopes the provider does not offer add nothing). */
  const scopeClaims = async (storage: Storage, provider: Provider, scopes: string[], entityId: string): Promise<Record<string, unknown>> => {
    const identity = requestIdentity(store, entityId);
    if (!identity) return {};
    const claims: Record<string, unknown> = {};
    for (const name of scopes) {
      if (!provider.scopesSupported.includes(name)) continue;
      const scope = await readRecord<Scope>(storage, 'scope', name);
      Object.assign(claims, scope ? (renderClaims(scope.template, identity.template, Math.floor(now() / 1000)) ?? {}) : {});
    }
    return claims;
  };

  const providerField = { name: { type: 'string', description: 'Name of the provider.' } } as const;
  return [
    definePath({
      pattern: 'oidc/provider/(?<name>[^/]+)/\\.well-known/openid-configuration',
      fields: providerField,
      operations: {
        read: {
          summary: 'The provider\'s discovery document.',
          callback: async (req, d) => {
            const provider = await readRecord<Provider>(req.storage, 'provider', d.values.name);
            if (!provider) return null;
            const { base, issuer } = await issuerOf(req.storage, provider);
            return rawJson({
              issuer,
              jwks_uri: `${issuer}/.well-known/keys`,
              authorization_endpoint: `${base}/ui/vault/identity/oidc/provider/${provider.name}/authorize`,
              token_endpoint: `${issuer}/token`,
              userinfo_endpoint: `${issuer}/userinfo`,
              request_parameter_supported: false,
              request_uri_parameter_supported: false,
              id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
              response_types_supported: ['code'],
              scopes_supported: ['openid', ...provider.scopesSupported],
              claims_supported: [],
              subject_types_supported: ['public'],
              grant_types_supported: ['authorization_code'],
              token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
              code_challenge_methods_supported: ['plain', 'S256'],
            });
          },
        },
      },
      helpSynopsis: 'The OIDC discovery document of a provider (no token needed).',
    }),
    definePath({
      pattern: 'oidc/provider/(?<name>[^/]+)/\\.well-known/keys',
      fields: providerField,
      operations: {
        read: {
          summary: 'The public keys of the provider\'s clients.',
          callback: async (req, d) => {
            const provider = await readRecord<Provider>(req.storage, 'provider', d.values.name);
            if (!provider) return null;
            const keyNames = new Set((await allRecords<Client>(req.storage, 'client')).filter((c) => allowsClient(provider, c.clientId)).map((c) => c.key));
            const keys: unknown[] = [];
            for (const name of keyNames) for (const entry of (await currentKey(req.storage, name, now()))?.keyRing ?? []) keys.push(entry.publicJwk);
            return rawJson({ keys });
          },
        },
      },
      helpSynopsis: 'The keys that verify a provider\'s ID tokens (no token needed).',
    }),
    definePath({
      pattern: 'oidc/provider/(?<name>[^/]+)/authorize',
      fields: {
        ...providerField,
        client_id: { type: 'string', description: 'The client asking.' },
        scope: { type: 'string', description: 'Space-separated scopes; must include openid.' },
        redirect_uri: { type: 'string', description: 'One of the client\'s redirect URIs.' },
        response_type: { type: 'string', description: 'Must be "code".' },
        state: { type: 'string', description: 'Returned as given.' },
        nonce: { type: 'string', description: 'Put in the ID token.' },
        max_age: { type: 'int', description: 'Accepted; the calling token\'s login is the authentication.' },
        code_challenge: { type: 'string', description: 'PKCE challenge (required for public clients).' },
        code_challenge_method: { type: 'string', description: '"plain" (default) or "S256".' },
      },
      operations: {
        read: { summary: 'Authorize a client for the calling token\'s entity.', callback: async (req, d) => authorize(req, d.values) },
        update: { summary: 'Authorize a client for the calling token\'s entity.', callback: async (req, d) => authorize(req, d.values) },
      },
      helpSynopsis: 'The authorization endpoint: a Coffer token with an entity gets an authorization code for a client.',
    }),
    definePath({
      pattern: 'oidc/provider/(?<name>[^/]+)/token',
      fields: {
        ...providerField,
        grant_type: { type: 'string', description: 'Must be "authorization_code".' },
        code: { type: 'string', description: 'The authorization code.' },
        redirect_uri: { type: 'string', description: 'The redirect URI the code was issued for.' },
        code_verifier: { type: 'string', description: 'PKCE verifier.' },
        client_id: { type: 'string', description: 'Client id (client_secret_post, or a public client).' },
        client_secret: { type: 'string', description: 'Client secret (client_secret_post).' },
      },
      operations: { update: { summary: 'Exchange an authorization code for an ID token and an access token.', callback: async (req, d) => exchange(req, d.values) } },
      helpSynopsis: 'The token endpoint (no Coffer token needed: the client authenticates itself).',
    }),
    definePath({
      pattern: 'oidc/provider/(?<name>[^/]+)/userinfo',
      fields: { ...providerField, access_token: { type: 'string', description: 'The access token, when not sent as a Bearer header.' } },
      operations: {
        read: { summary: 'Claims about the access token\'s entity.', callback: async (req, d) => userinfo(req, d.values.name, d.values.access_token) },
        update: { summary: 'Claims about the access token\'s entity.', callback: async (req, d) => userinfo(req, d.values.name, d.values.access_token) },
      },
      helpSynopsis: 'The userinfo endpoint (the access token authenticates the request).',
    }),
  ];

  async function authorize(req: Request, v: { name: string; client_id: string; scope: string; redirect_uri: string; response_type: string; state: string; nonce: string; code_challenge: string; code_challenge_method: string }): Promise<Response> {
    const provider = await readRecord<Provider>(req.storage, 'provider', v.name);
    if (!provider) return oauthError(400, 'invalid_request', `provider "${v.name}" not found`);
    const client = v.client_id ? await clientById(req.storage, v.client_id) : null;
    if (!client || !allowsClient(provider, client.clientId)) return oauthError(400, 'invalid_client', 'client_id is not known to this provider');
    if (!client.redirectUris.includes(v.redirect_uri)) return oauthError(400, 'invalid_request', 'redirect_uri is not allowed for the client');
    if (v.response_type !== 'code') return oauthError(400, 'unsupported_response_type', 'the response_type must be "code"');
    const scopes = v.scope.split(' ').filter((s) => s !== '');
    if (!scopes.includes('openid')) return oauthError(400, 'invalid_scope', 'the scope must include "openid"');
    const method = v.code_challenge_method || 'plain';
    if (method !== 'plain' && method !== 'S256') return oauthError(400, 'invalid_request', 'the code_challenge_method must be "plain" or "S256"');
    if (client.clientType === 'public' && !v.code_challenge) return oauthError(400, 'invalid_request', 'public clients must send a code_challenge (PKCE)');
    const entity = req.entityId ? store.entity(req.entityId) : undefined;
    if (!entity) return oauthError(400, 'invalid_request', 'identity entity must be associated with the request');
    if (entity.disabled || !(await assigned(req.storage, client, entity.id))) return oauthError(403, 'access_denied', 'identity entity not authorized by client assignment');
    const pending = {
      provider: provider.name,
      clientId: client.clientId,
      entityId: entity.id,
      redirectUri: v.redirect_uri,
      scopes,
      nonce: v.nonce,
      codeChallenge: v.code_challenge,
      codeChallengeMethod: method,
      authTime: Math.floor(now() / 1000),
    };
    const code = await codes.create(req.storage, pending, CODE_TTL_MS, randomToken(24));
    return rawJson({ code, ...(v.state ? { state: v.state } : {}) });
  }

  async function exchange(req: Request, v: { name: string; grant_type: string; code: string; redirect_uri: string; code_verifier: string; client_id: string; client_secret: string }): Promise<Response> {
    const provider = await readRecord<Provider>(req.storage, 'provider', v.name);
    if (!provider) return oauthError(400, 'invalid_request', `provider "${v.name}" not found`);
    // client_secret_basic, or client_secret_post / a public client's bare client_id.
    let clientId = v.client_id;
    let clientSecret = v.client_secret;
    const basic = /^Basic\s+(.+)$/i.exec(req.headers?.['authorization']?.[0] ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return oauthError(401, 'invalid_client', 'malformed Basic client authentication');
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
    const client = clientId ? await clientById(req.storage, clientId) : null;
    if (!client || !allowsClient(provider, client.clientId)) return oauthError(401, 'invalid_client', 'client failed to authenticate');
    if (client.clientType === 'confidential' && !sameSecret(clientSecret, client.clientSecret)) return oauthError(401, 'invalid_client', 'client failed to authenticate');
    if (v.grant_type !== 'authorization_code') return oauthError(400, 'unsupported_grant_type', 'the grant_type must be "authorization_code"');
    // A code is good for one attempt, right or wrong.
    const pending = await codes.take(req.storage, v.code);
    if (!pending || pending.provider !== provider.name || pending.clientId !== client.clientId) return oauthError(400, 'invalid_grant', 'authorization code is invalid or expired');
    if (pending.redirectUri !== v.redirect_uri) return oauthError(400, 'invalid_grant', 'redirect_uri does not match the one of the authorization request');
    if (pending.codeChallenge || client.clientType === 'public') {
      if (!v.code_verifier) return oauthError(400, 'invalid_request', 'missing code_verifier');
      const derived = pending.codeChallengeMethod === 'S256' ? createHash('sha256').update(v.code_verifier).digest('base64url') : v.code_verifier;
      if (!sameSecret(derived, pending.codeChallenge)) return oauthError(400, 'invalid_grant', 'the code_verifier does not match the code_challenge');
    }
    const entity = store.entity(pending.entityId);
    if (!entity || entity.disabled || !(await assigned(req.storage, client, entity.id))) return oauthError(400, 'invalid_grant', 'identity entity not authorized by client assignment');
    const key = await currentKey(req.storage, client.key, now());
    if (!key?.signing || !keyAllowsClient(key, client.clientId)) return oauthError(400, 'invalid_request', `the key "${client.key}" cannot sign for this client`);

    const iat = Math.floor(now() / 1000);
    const accessToken = await accessTokens.create(
      req.storage,
      { provider: provider.name, clientId: client.clientId, entityId: entity.id, scopes: pending.scopes },
      client.accessTokenTtl * 1000,
    );
    const claims: Record<string, unknown> = {
      ...(await scopeClaims(req.storage, provider, pending.scopes, entity.id)),
      iss: (await issuerOf(req.storage, provider)).issuer,
      sub: entity.id,
      aud: client.clientId,
      iat,
      exp: iat + client.idTokenTtl,
      auth_time: pending.authTime,
      namespace: 'root',
      ...(pending.nonce ? { nonce: pending.nonce } : {}),
    };
    if (key.algorithm !== 'EdDSA') {
      const digest = createHash(`sha${key.algorithm.slice(2)}`).update(accessToken).digest();
      claims['at_hash'] = digest.subarray(0, digest.length / 2).toString('base64url');
    }
    const idToken = signJwt(claims, { algorithm: key.algorithm, kid: key.signing.kid, privatePem: key.signing.privatePem });
    return rawJson({ access_token: accessToken, token_type: 'Bearer', expires_in: client.accessTokenTtl, id_token: idToken });
  }

  async function userinfo(req: Request, providerName: string, bodyToken: string): Promise<Response> {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers?.['authorization']?.[0] ?? '')?.[1] ?? bodyToken;
    // A read only, unless the token has expired (then it is removed): a performance standby answers it itself.
    const token = await accessTokens.find(req.storage, bearer);
    if (!token || token.provider !== providerName) return oauthError(401, 'invalid_token', 'the access token is invalid or expired');
    const provider = await readRecord<Provider>(req.storage, 'provider', providerName);
    const entity = store.entity(token.entityId);
    if (!provider || !entity || entity.disabled) return oauthError(401, 'invalid_token', 'the access token is invalid or expired');
    return rawJson({ ...(await scopeClaims(req.storage, provider, token.scopes, entity.id)), sub: entity.id });
  }
}
