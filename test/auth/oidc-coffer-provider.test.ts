// The `oidc` auth method with Coffer's own OIDC provider as the identity
// provider, end to end on one server: the relying party (auth/oidc) discovers
// the provider (identity/oidc/provider/main) over HTTP at the server's own
// address, and the test plays the browser: it calls the provider's authorize
// API with the signed-in userpass user's token (what the UI's authorization
// page does; test/ui/oidc-authorize-browser.test.ts drives that page), then
// hands code and state to the callback.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

const REDIRECT_URI = 'http://127.0.0.1:8250/oidc/callback';

describe('oidc auth method with Coffer as its own identity provider', () => {
  let s: InProcessServer;
  let userToken: string;
  let userEntityId: string;
  let oidcAccessor: string;
  let app: { client_id: string; client_secret: string };

  const ok = async (method: string, path: string, body?: unknown, status = 200, token?: string | null) => {
    const res = await s.request(method, path, body, token === undefined ? {} : { token });
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** auth_url, and the parameters the browser carries to the provider. */
  const startLogin = async () => {
    const body = await ok('POST', 'auth/oidc/oidc/auth_url', { role: 'people', redirect_uri: REDIRECT_URI }, 200, null);
    const url = new URL(body.data.auth_url);
    return { url, params: Object.fromEntries(url.searchParams) };
  };

  /** The browser at the provider: the user, signed in to Coffer, approves the request. */
  const authorize = async (params: Record<string, string>) => {
    const res = await s.request('POST', 'identity/oidc/provider/main/authorize', params, { token: userToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { code: string; state: string };
  };

  before(async () => {
    s = await startInProcessServer();
    // The provider side: a userpass user whose entity is in a group, an assignment, scopes, a client, a provider.
    await ok('POST', 'sys/auth/userpass', { type: 'userpass' }, 204);
    await ok('PUT', 'sys/policies/acl/oidc-user', { policy: 'path "identity/oidc/provider/main/authorize" { capabilities = ["read", "update"] }' }, 204);
    await ok('POST', 'auth/userpass/users/uma', { password: 'uma-pw', token_policies: 'oidc-user' }, 204);
    const login = (await ok('POST', 'auth/userpass/login/uma', { password: 'uma-pw' }, 200, null)).auth;
    userToken = login.client_token;
    userEntityId = login.entity_id;
    await ok('POST', `identity/entity/id/${userEntityId}`, { metadata: { email: 'uma@example.com' } }, 204);
    await ok('POST', 'identity/group', { name: 'platform', member_entity_ids: [userEntityId] });

    await ok('POST', 'identity/oidc/config', { issuer: s.address }, 204);
    await ok('POST', 'identity/oidc/assignment/people', { entity_ids: [userEntityId] }, 204);
    await ok('POST', 'identity/oidc/scope/profile', { template: '{"email": {{identity.entity.metadata.email}}, "groups": {{identity.entity.groups.names}}}' }, 204);
    await ok('POST', 'identity/oidc/client/coffer-login', { redirect_uris: [REDIRECT_URI], assignments: ['people'] }, 204);
    app = (await ok('GET', 'identity/oidc/client/coffer-login')).data;
    await ok('POST', 'identity/oidc/client/other-app', { redirect_uris: [REDIRECT_URI], assignments: ['people'] }, 204);
    const other = (await ok('GET', 'identity/oidc/client/other-app')).data;
    await ok('POST', 'identity/oidc/provider/main', { allowed_client_ids: [app.client_id, other.client_id], scopes_supported: ['profile'] }, 204);

    // The relying party: an oidc auth mount that discovers the provider at the server's own address.
    await ok('POST', 'sys/auth/oidc', { type: 'oidc' }, 204);
    oidcAccessor = (await ok('GET', 'sys/auth')).data['oidc/'].accessor;
    await ok('POST', 'auth/oidc/config', {
      oidc_discovery_url: `${s.address}/v1/identity/oidc/provider/main`,
      oidc_client_id: app.client_id,
      oidc_client_secret: app.client_secret,
      default_role: 'people',
    }, 204);
    await ok('POST', 'auth/oidc/role/people', {
      allowed_redirect_uris: [REDIRECT_URI],
      oidc_scopes: ['profile'],
      user_claim: 'sub',
      groups_claim: 'groups',
      claim_mappings: { email: 'mail' },
      bound_claims: { groups: ['platform'] },
      token_policies: ['people'],
    }, 204);
    // An external group on the oidc mount, named like the provider's group, carries its own policy.
    const external = (await ok('POST', 'identity/group', { name: 'oidc-platform', type: 'external', policies: ['platform-ops'] })).data;
    await ok('POST', 'identity/group-alias', { name: 'platform', mount_accessor: oidcAccessor, canonical_id: external.id });
  });

  after(async () => {
    await s.close();
  });

  it('logs in through auth_url, the provider\'s authorize and the callback', async () => {
    const { url, params } = await startLogin();
    // As Vault's, the provider's authorization endpoint is a UI page.
    assert.equal(url.origin + url.pathname, `${s.address}/ui/vault/identity/oidc/provider/main/authorize`);
    assert.equal(params['client_id'], app.client_id);
    assert.equal(params['redirect_uri'], REDIRECT_URI);
    assert.equal(params['code_challenge_method'], 'S256');
    assert.ok(params['state'] && params['nonce'] && params['code_challenge']);
    assert.deepEqual(params['scope']!.split(' ').sort(), ['openid', 'profile']);

    const { code, state } = await authorize(params);
    assert.equal(state, params['state']);
    const callback = await ok('POST', 'auth/oidc/oidc/callback', { state, code }, 200, null);
    const auth = callback.auth;
    assert.deepEqual(auth.token_policies, ['default', 'people']);
    assert.deepEqual(auth.identity_policies, ['platform-ops']);
    assert.deepEqual(auth.metadata, { mail: 'uma@example.com', role: 'people' });

    // The token's entity is the one whose oidc alias is the provider's subject: the userpass user's entity ID.
    const self = (await ok('GET', 'auth/token/lookup-self', undefined, 200, auth.client_token)).data;
    assert.equal(self.display_name, `oidc-${userEntityId}`);
    const alias = (await ok('POST', 'identity/lookup/entity', { alias_name: userEntityId, alias_mount_accessor: oidcAccessor })).data;
    assert.equal(alias.id, auth.entity_id);
    const group = (await ok('GET', 'identity/group/name/oidc-platform')).data;
    assert.deepEqual(group.member_entity_ids, [auth.entity_id]);

    // The browser replays the redirect: the state was used up.
    const replay = await s.request('POST', 'auth/oidc/oidc/callback', { state, code }, { token: null });
    assert.equal(replay.status, 400);
    assert.match(replay.body.errors[0], /Expired or missing OAuth state/);
  });

  it('refuses a code the provider issued to another client', async () => {
    const other = (await ok('GET', 'identity/oidc/client/other-app')).data;
    const { params } = await startLogin();
    // The same user at the same provider, but authorizing the other client (with the same PKCE challenge even).
    const foreign = await authorize({ ...params, client_id: other.client_id });
    const res = await s.request('POST', 'auth/oidc/oidc/callback', { state: params['state'], code: foreign.code }, { token: null });
    assert.equal(res.status, 400);
    assert.match(res.body.errors[0], /Vault login failed\. Error exchanging oidc code: "invalid_grant: authorization code is invalid or expired"/);
    assert.equal(res.body.auth, undefined);
  });
});
