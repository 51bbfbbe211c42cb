// OIDC one-time state across the nodes of a cluster with performance
// standbys: Coffer's OIDC provider (authorization codes, access tokens) and
// the oidc auth method (pending logins) keep it in the mount's storage, so a
// flow begun on one node finishes on the other, and after a failover.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestProvider, type TestProvider } from '../support/oidc-test-provider.js';
import { api, eventually, startCluster, type Cluster } from './cluster.js';

const REDIRECT_URI = 'http://127.0.0.1:8250/oidc/callback';

describe('OIDC state across HA nodes (performance standbys)', () => {
  let cluster: Cluster;
  let root: string;
  let activeAddr: string;
  let standbyAddr: string;
  let provider: TestProvider;

  /** The index of the active node once one node answers 200 and the other 473 (a performance standby). */
  async function activeIndex(): Promise<number> {
    return eventually('one active node and one performance standby', async () => {
      const codes = await Promise.all(cluster.nodes.map(async (n) => (await api(n.address, 'GET', 'sys/health')).status));
      return codes.filter((c) => c === 200).length === 1 && codes.filter((c) => c === 473).length === 1 ? codes.indexOf(200) : undefined;
    });
  }

  async function ok(address: string, method: string, path: string, body?: unknown, status = 200, token = root): Promise<any> {
    const res = await api(address, method, path, token, body);
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  before(async () => {
    provider = await startTestProvider({ redirectUris: [REDIRECT_URI] });
    cluster = await startCluster(2, 'performance_standby = true');
    root = cluster.rootToken;
    const active = await activeIndex();
    activeAddr = cluster.nodes[active]!.address;
    standbyAddr = cluster.nodes[1 - active]!.address;
  });
  after(async () => {
    await cluster?.stop();
    await provider?.close();
  });

  describe('Coffer as an OIDC provider', () => {
    let userToken: string;
    let entityId: string;
    let app: { client_id: string; client_secret: string };

    before(async () => {
      await ok(activeAddr, 'POST', 'sys/auth/userpass', { type: 'userpass' }, 204);
      await ok(activeAddr, 'PUT', 'sys/policies/acl/oidc-user', { policy: 'path "identity/oidc/provider/main/authorize" { capabilities = ["read", "update"] }' }, 204);
      await ok(activeAddr, 'POST', 'auth/userpass/users/uma', { password: 'uma-pw', token_policies: 'oidc-user' }, 204);
      const login = (await ok(activeAddr, 'POST', 'auth/userpass/login/uma', { password: 'uma-pw' }, 200, '')).auth;
      userToken = login.client_token;
      entityId = login.entity_id;
      await ok(activeAddr, 'POST', `identity/entity/id/${entityId}`, { metadata: { email: 'uma@example.com' } }, 204);
      await ok(activeAddr, 'POST', 'identity/oidc/assignment/people', { entity_ids: [entityId] }, 204);
      await ok(activeAddr, 'POST', 'identity/oidc/scope/profile', { template: '{"email": {{identity.entity.metadata.email}}}' }, 204);
      await ok(activeAddr, 'POST', 'identity/oidc/client/app', { redirect_uris: [REDIRECT_URI], assignments: ['people'] }, 204);
      app = (await ok(activeAddr, 'GET', 'identity/oidc/client/app')).data;
      await ok(activeAddr, 'POST', 'identity/oidc/provider/main', { allowed_client_ids: [app.client_id], scopes_supported: ['profile'] }, 204);
    });

    /** The browser at the provider, through the standby: a GET, which the standby begins itself. */
    async function authorizeOnStandby(state: string): Promise<string> {
      const query = new URLSearchParams({ client_id: app.client_id, scope: 'openid profile', redirect_uri: REDIRECT_URI, response_type: 'code', state, nonce: 'n-1' });
      const res = await api(standbyAddr, 'GET', `identity/oidc/provider/main/authorize?${query}`, userToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.state, state);
      assert.ok(typeof res.body.code === 'string' && res.body.code.length > 20);
      return res.body.code as string;
    }

    const exchange = (code: string) =>
      api(activeAddr, 'POST', 'identity/oidc/provider/main/token', '', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: app.client_id,
        client_secret: app.client_secret,
      });

    it('a code issued through the standby is redeemed on the active node, and userinfo answers through the standby', async () => {
      const code = await authorizeOnStandby('s-1');
      const token = await exchange(code);
      assert.equal(token.status, 200, JSON.stringify(token.body));
      assert.equal(token.body.token_type, 'Bearer');
      const claims = JSON.parse(Buffer.from(String(token.body.id_token).split('.')[1]!, 'base64url').toString('utf8'));
      assert.equal(claims.sub, entityId);
      assert.equal(claims.nonce, 'n-1');
      assert.equal(claims.email, 'uma@example.com');

      const info = await api(standbyAddr, 'GET', 'identity/oidc/provider/main/userinfo', '', undefined, { Authorization: `Bearer ${token.body.access_token}` });
      assert.equal(info.status, 200, JSON.stringify(info.body));
      assert.deepEqual(info.body, { email: 'uma@example.com', sub: entityId });
      const wrong = await api(standbyAddr, 'GET', 'identity/oidc/provider/main/userinfo', '', undefined, { Authorization: 'Bearer not-a-token' });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error, 'invalid_token');
    });

    it('a replayed code fails, on either node', async () => {
      const code = await authorizeOnStandby('s-2');
      assert.equal((await exchange(code)).status, 200);
      const replay = await exchange(code);
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error, 'invalid_grant');
      const viaStandby = await api(standbyAddr, 'POST', 'identity/oidc/provider/main/token', '', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: app.client_id,
        client_secret: app.client_secret,
      });
      assert.equal(viaStandby.status, 400);
      assert.equal(viaStandby.body.error, 'invalid_grant');
    });
  });

  describe('the oidc auth method', () => {
    before(async () => {
      await ok(activeAddr, 'POST', 'sys/auth/oidc', { type: 'oidc' }, 204);
      await ok(activeAddr, 'POST', 'auth/oidc/config', {
        oidc_discovery_url: provider.issuer,
        oidc_client_id: provider.client.clientId,
        oidc_client_secret: provider.client.clientSecret,
        default_role: 'web',
      }, 204);
      await ok(activeAddr, 'POST', 'auth/oidc/role/web', { allowed_redirect_uris: [REDIRECT_URI], user_claim: 'email', token_policies: ['web'] }, 204);
      provider.user = { sub: 'bob-id', idTokenClaims: { email: 'bob@example.com' } };
    });

    /** auth_url through `address`, then the browser at the provider: the code and state it brings back. */
    async function startLogin(address: string): Promise<{ state: string; code: string }> {
      const body = await ok(address, 'POST', 'auth/oidc/oidc/auth_url', { redirect_uri: REDIRECT_URI }, 200, '');
      const atProvider = await fetch(body.data.auth_url, { redirect: 'manual' });
      assert.equal(atProvider.status, 302, await atProvider.text());
      const back = new URL(atProvider.headers.get('location')!).searchParams;
      return { state: back.get('state')!, code: back.get('code')! };
    }

    const callback = (address: string, login: { state: string; code: string }) =>
      api(address, 'GET', `auth/oidc/oidc/callback?${new URLSearchParams(login)}`);

    it('auth_url on the active node, the browser\'s callback (a GET) through the standby: the login succeeds, once', async () => {
      const login = await startLogin(activeAddr);
      const res = await callback(standbyAddr, login);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.auth.metadata.role, 'web');
      assert.deepEqual(res.body.auth.token_policies, ['default', 'web']);
      const self = await ok(activeAddr, 'GET', 'auth/token/lookup-self', undefined, 200, res.body.auth.client_token);
      assert.equal(self.data.display_name, 'oidc-bob@example.com');

      for (const address of [standbyAddr, activeAddr]) {
        const replay = await callback(address, login);
        assert.equal(replay.status, 400);
        assert.match(replay.body.errors[0], /Expired or missing OAuth state/);
      }
    });

    it('a login begun before a failover finishes on the new active node', async () => {
      const login = await startLogin(activeAddr);
      await ok(activeAddr, 'PUT', 'sys/step-down', undefined, 204);
      await eventually('the other node to take over', async () => ((await activeIndex()) === cluster.nodes.findIndex((n) => n.address === standbyAddr) ? true : undefined));
      // The roles swapped: the node that created the state is now the standby the callback reaches.
      const res = await callback(activeAddr, login);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.auth.metadata.role, 'web');
    });
  });
});
