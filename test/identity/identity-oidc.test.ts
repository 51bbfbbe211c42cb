// Identity tokens: named keys, roles, tokens signed for the caller's entity,
// verified by a real JOSE library against the published keys, and
// introspection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('identity tokens (identity/oidc)', () => {
  let s: InProcessServer;
  let userToken: string;
  let entityId: string;

  const ok = async (method: string, path: string, body?: unknown, status = 200, token?: string | null) => {
    const res = await s.request(method, path, body, token === undefined ? {} : { token });
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const refused = async (method: string, path: string, body: unknown, message: RegExp, token?: string) => {
    const res = await s.request(method, path, body, token === undefined ? {} : { token });
    assert.equal(res.status, 400, `${method} ${path}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.errors.join(' '), message);
  };
  const issuer = () => `${s.address}/v1/identity/oidc`;

  before(async () => {
    s = await startInProcessServer();
    await ok('POST', 'sys/auth/userpass', { type: 'userpass' }, 204);
    await ok('PUT', 'sys/policies/acl/id-tokens', { policy: 'path "identity/oidc/token/*" { capabilities = ["read"] }' }, 204);
    await ok('POST', 'auth/userpass/users/olga', { password: 'olga-pw', token_policies: 'id-tokens' }, 204);
    const auth = (await ok('POST', 'auth/userpass/login/olga', { password: 'olga-pw' }, 200, null)).auth;
    userToken = auth.client_token;
    entityId = auth.entity_id;
    await ok('POST', `identity/entity/id/${entityId}`, { metadata: { nick: 'oo' } }, 204);
    await ok('POST', 'identity/group', { name: 'pilots', member_entity_ids: [entityId] });
    await ok('POST', 'identity/oidc/config', { issuer: s.address }, 204);
  });
  after(async () => {
    await s.close();
  });

  it('signs a token for the caller\'s entity that a relying party verifies with the published keys', async () => {
    await ok('POST', 'identity/oidc/key/main', { allowed_client_ids: '*', rotation_period: '1h', verification_ttl: '1h' }, 204);
    const key = await ok('GET', 'identity/oidc/key/main');
    assert.deepEqual(key.data, { algorithm: 'RS256', allowed_client_ids: ['*'], rotation_period: 3600, verification_ttl: 3600 });
    await ok('POST', 'identity/oidc/role/app', { key: 'main', ttl: '30m', template: '{"nick": {{identity.entity.metadata.nick}}, "groups": {{identity.entity.groups.names}}}' }, 204);
    const role = await ok('GET', 'identity/oidc/role/app');
    assert.match(role.data.client_id, /^[A-Za-z0-9]{26}$/);
    assert.equal(role.data.ttl, 1800);
    assert.deepEqual((await ok('LIST', 'identity/oidc/role')).data.keys, ['app']);
    assert.deepEqual((await ok('LIST', 'identity/oidc/key')).data.keys, ['main']);

    const issued = await ok('GET', 'identity/oidc/token/app', undefined, 200, userToken);
    assert.equal(issued.data.client_id, role.data.client_id);
    assert.equal(issued.data.ttl, 1800);

    const discovery = await fetch(`${issuer()}/.well-known/openid-configuration`);
    assert.equal(discovery.status, 200);
    const doc = (await discovery.json()) as Record<string, unknown>;
    assert.equal(doc['issuer'], issuer());
    assert.equal(doc['jwks_uri'], `${issuer()}/.well-known/keys`);

    const jwks = createRemoteJWKSet(new URL(doc['jwks_uri'] as string));
    const { payload } = await jwtVerify(issued.data.token, jwks, { issuer: issuer(), audience: role.data.client_id });
    assert.equal(payload.sub, entityId);
    assert.equal(payload['namespace'], 'root');
    assert.equal(payload['nick'], 'oo');
    assert.deepEqual(payload['groups'], ['pilots']);
    assert.equal(payload.exp! - payload.iat!, 1800);

    const active = await fetch(`${s.address}/v1/identity/oidc/introspect`, { method: 'POST', headers: { 'X-Vault-Token': s.rootToken }, body: JSON.stringify({ token: issued.data.token, client_id: role.data.client_id }) });
    assert.deepEqual(await active.json(), { active: true });
    const wrongAudience = await ok('POST', 'identity/oidc/introspect', { token: issued.data.token, client_id: 'someone-else' });
    assert.equal(wrongAudience.active, false);
    const [h, p, sig] = issued.data.token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'other' })).toString('base64url')}.${sig}`;
    assert.deepEqual(await ok('POST', 'identity/oidc/introspect', { token: forged }), { active: false, error: 'unable to validate the token signature' });
    assert.ok(p);
  });

  it('rotation keeps the old public key published; new tokens use the new key', async () => {
    const first = (await ok('GET', 'identity/oidc/token/app', undefined, 200, userToken)).data.token;
    await ok('POST', 'identity/oidc/key/main/rotate', {}, 204);
    const second = (await ok('GET', 'identity/oidc/token/app', undefined, 200, userToken)).data.token;
    assert.notEqual(decodeProtectedHeader(first).kid, decodeProtectedHeader(second).kid);
    const keys = (await (await fetch(`${issuer()}/.well-known/keys`)).json()) as { keys: Array<{ kid: string }> };
    const kids = keys.keys.map((k) => k.kid);
    assert.ok(kids.includes(decodeProtectedHeader(first).kid!) && kids.includes(decodeProtectedHeader(second).kid!));
    for (const token of [first, second]) assert.equal((await ok('POST', 'identity/oidc/introspect', { token })).active, true);
  });

  it('ES256 and EdDSA keys sign verifiable tokens', async () => {
    for (const algorithm of ['ES256', 'EdDSA']) {
      await ok('POST', `identity/oidc/key/k-${algorithm}`, { algorithm, allowed_client_ids: '*' }, 204);
      await ok('POST', `identity/oidc/role/r-${algorithm}`, { key: `k-${algorithm}` }, 204);
      const token = (await ok('GET', `identity/oidc/token/r-${algorithm}`, undefined, 200, userToken)).data.token;
      assert.equal(decodeProtectedHeader(token).alg, algorithm);
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer()}/.well-known/keys`)), { issuer: issuer() });
      assert.equal(payload.sub, entityId);
    }
  });

  it('refuses what Vault refuses', async () => {
    await refused('GET', 'identity/oidc/token/app', undefined, /no entity associated with the request's token/);
    await refused('GET', 'identity/oidc/token/none', undefined, /role "none" not found/, userToken);
    await refused('POST', 'identity/oidc/key/short', { rotation_period: '30s' }, /rotation_period must be at least one minute/);
    await refused('POST', 'identity/oidc/key/bad', { algorithm: 'HS256' }, /unknown signing algorithm/);
    await refused('POST', 'identity/oidc/role/x', { key: 'missing' }, /cannot find key/);
    await refused('POST', 'identity/oidc/role/x', {}, /the key parameter is required/);
    await refused('POST', 'identity/oidc/role/x', { key: 'main', template: '{"sub": "me"}' }, /top level key "sub" not allowed/);
    await refused('POST', 'identity/oidc/role/x', { key: 'main', template: '{not json' }, /error parsing template JSON/);
    await refused('POST', 'identity/oidc/role/x', { key: 'main', ttl: '48h' }, /cannot be longer than the verification_ttl/);
    await refused('DELETE', 'identity/oidc/key/main', undefined, /currently referenced by these roles: app/);
    await refused('POST', 'identity/oidc/config', { issuer: 'https://example.com/path' }, /invalid issuer/);

    await ok('POST', 'identity/oidc/key/closed', {}, 204);
    await ok('POST', 'identity/oidc/role/closed-role', { key: 'closed' }, 204);
    await refused('GET', 'identity/oidc/token/closed-role', undefined, /does not list the client ID of the role "closed-role"/, userToken);
    // Listing the role's client id opens the key to it.
    const clientId = (await ok('GET', 'identity/oidc/role/closed-role')).data.client_id;
    await ok('POST', 'identity/oidc/key/closed', { allowed_client_ids: [clientId] }, 204);
    assert.equal((await ok('GET', 'identity/oidc/token/closed-role', undefined, 200, userToken)).data.client_id, clientId);
    await ok('DELETE', 'identity/oidc/role/closed-role', undefined, 204);
    await ok('DELETE', 'identity/oidc/key/closed', undefined, 204);
    assert.equal((await s.request('GET', 'identity/oidc/key/closed')).status, 404);

    const disabled = (await ok('GET', 'identity/oidc/token/app', undefined, 200, userToken)).data.token;
    await ok('POST', `identity/entity/id/${entityId}`, { disabled: true }, 204);
    assert.deepEqual(await ok('POST', 'identity/oidc/introspect', { token: disabled }), { active: false, error: 'entity is disabled' });
    await ok('POST', `identity/entity/id/${entityId}`, { disabled: false }, 204);
  });
});
