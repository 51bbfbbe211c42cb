// Coffer as an OIDC provider, driven by a real relying-party library
// (openid-client): discovery, the authorization code flow with PKCE, the
// ID token checked against the published keys, and userinfo.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('Coffer as an OIDC provider', () => {
  let s: InProcessServer;
  let userToken: string;
  let entityId: string;
  const redirectUri = 'http://127.0.0.1:9/callback';

  const ok = async (method: string, path: string, body?: unknown, status = 200, token?: string | null) => {
    const res = await s.request(method, path, body, token === undefined ? {} : { token });
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** What a browser would do at the authorization endpoint: Coffer's API, called with the user's Coffer token. */
  const authorizeAt = async (authUrl: URL, token: string) => {
    const query = Object.fromEntries(authUrl.searchParams);
    return s.request('POST', 'identity/oidc/provider/main/authorize', query, { token });
  };

  before(async () => {
    s = await startInProcessServer();
    await ok('POST', 'sys/auth/userpass', { type: 'userpass' }, 204);
    await ok('PUT', 'sys/policies/acl/oidc-user', { policy: 'path "identity/oidc/provider/main/authorize" { capabilities = ["read", "update"] }' }, 204);
    for (const user of ['uma', 'vic']) await ok('POST', `auth/userpass/users/${user}`, { password: `${user}-pw`, token_policies: 'oidc-user' }, 204);
    const auth = (await ok('POST', 'auth/userpass/login/uma', { password: 'uma-pw' }, 200, null)).auth;
    userToken = auth.client_token;
    entityId = auth.entity_id;
    await ok('POST', `identity/entity/id/${entityId}`, { metadata: { email: 'uma@example.com' } }, 204);
    await ok('POST', 'identity/oidc/config', { issuer: s.address }, 204);
  });
  after(async () => {
    await s.close();
  });

  it('runs the authorization code flow with PKCE for a confidential client', async () => {
    await ok('POST', 'identity/oidc/assignment/uma-only', { entity_ids: [entityId] }, 204);
    await ok('POST', 'identity/oidc/scope/email', { template: '{"email": {{identity.entity.metadata.email}}}', description: 'email' }, 204);
    await ok('POST', 'identity/oidc/client/app', { redirect_uris: [redirectUri], assignments: ['uma-only'], id_token_ttl: '30m', access_token_ttl: '1h' }, 204);
    const app = (await ok('GET', 'identity/oidc/client/app')).data;
    assert.equal(app.client_type, 'confidential');
    assert.equal(app.key, 'default');
    assert.match(app.client_secret, /^hvo_secret_/);
    await ok('POST', 'identity/oidc/provider/main', { allowed_client_ids: [app.client_id], scopes_supported: ['email'] }, 204);

    const issuer = new URL(`${s.address}/v1/identity/oidc/provider/main`);
    const config = await client.discovery(issuer, app.client_id, app.client_secret, undefined, { execute: [client.allowInsecureRequests] });
    assert.equal(config.serverMetadata().issuer, issuer.href);

    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const authorized = await authorizeAt(authUrl, userToken);
    assert.equal(authorized.status, 200, JSON.stringify(authorized.body));
    assert.equal(authorized.body.state, state);

    const callback = new URL(`${redirectUri}?code=${encodeURIComponent(authorized.body.code)}&state=${encodeURIComponent(state)}`);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const claims = tokens.claims()!;
    assert.equal(claims.sub, entityId);
    assert.equal(claims.aud, app.client_id);
    assert.equal(claims['email'], 'uma@example.com');
    assert.equal(claims.exp - claims.iat, 1800);
    assert.equal(tokens.expires_in, 3600);

    const info = await client.fetchUserInfo(config, tokens.access_token, entityId);
    assert.equal(info.sub, entityId);
    assert.equal(info['email'], 'uma@example.com');

    // A code works once.
    await assert.rejects(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }));
  });

  it('refuses a wrong verifier, a wrong secret, an unassigned entity and a foreign redirect URI', async () => {
    const app = (await ok('GET', 'identity/oidc/client/app')).data;
    const authorize = (token: string, extra: Record<string, string> = {}) =>
      s.request('POST', 'identity/oidc/provider/main/authorize', { client_id: app.client_id, scope: 'openid', redirect_uri: redirectUri, response_type: 'code', code_challenge: 'abc', code_challenge_method: 'plain', ...extra }, { token });
    const exchange = (code: string, extra: Record<string, string> = {}) =>
      fetch(`${s.address}/v1/identity/oidc/provider/main/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: app.client_id, client_secret: app.client_secret, code_verifier: 'abc', ...extra }),
      });

    const wrongVerifier = await exchange((await authorize(userToken)).body.code, { code_verifier: 'xyz' });
    assert.equal(wrongVerifier.status, 400);
    assert.equal(((await wrongVerifier.json()) as { error: string }).error, 'invalid_grant');
    const wrongSecret = await exchange((await authorize(userToken)).body.code, { client_secret: 'nope' });
    assert.equal(wrongSecret.status, 401);
    // client_secret_basic works as well as client_secret_post.
    const basic = await fetch(`${s.address}/v1/identity/oidc/provider/main/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: (await authorize(userToken)).body.code, redirect_uri: redirectUri, code_verifier: 'abc' }),
    });
    assert.equal(basic.status, 200, await basic.clone().text());
    assert.ok(((await basic.json()) as { id_token: string }).id_token);

    const vic = (await ok('POST', 'auth/userpass/login/vic', { password: 'vic-pw' }, 200, null)).auth.client_token;
    const denied = await authorize(vic);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error, 'access_denied');
    assert.equal((await authorize(userToken, { redirect_uri: 'http://evil.example/cb' })).body.error, 'invalid_request');
    assert.equal((await authorize(userToken, { scope: 'email' })).body.error, 'invalid_scope');
    // The root token has no entity.
    assert.equal((await authorize(s.rootToken)).status, 400);
    const userinfo = await fetch(`${s.address}/v1/identity/oidc/provider/main/userinfo`, { headers: { Authorization: 'Bearer not-a-token' } });
    assert.equal(userinfo.status, 401);
  });

  it('configuration refuses what cannot work', async () => {
    assert.equal((await s.request('POST', 'identity/oidc/scope/openid', { template: '{}' })).status, 400);
    assert.equal((await s.request('POST', 'identity/oidc/client/bad', { assignments: ['missing'] })).status, 400);
    assert.equal((await s.request('POST', 'identity/oidc/provider/bad', { scopes_supported: ['missing'] })).status, 400);
    assert.equal((await s.request('DELETE', 'identity/oidc/assignment/uma-only')).status, 400);
    assert.equal((await s.request('DELETE', 'identity/oidc/scope/email')).status, 400);
    assert.deepEqual((await ok('LIST', 'identity/oidc/client')).data.keys, ['app']);
    const publicClient = await s.request('POST', 'identity/oidc/client/spa', { client_type: 'public', redirect_uris: [redirectUri], assignments: ['allow_all'] });
    assert.equal(publicClient.status, 204);
    assert.equal((await ok('GET', 'identity/oidc/client/spa')).data.client_secret, undefined);
    assert.equal((await s.request('POST', 'identity/oidc/client/spa', { client_type: 'confidential' })).status, 400);
  });
});
