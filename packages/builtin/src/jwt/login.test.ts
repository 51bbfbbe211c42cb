import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { assertRejectsWithCode as rejects, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { startTestProvider, type TestProvider } from '../../../../test/support/oidc-test-provider.js';
import { createJwtBackend } from './index.js';

let provider: TestProvider;
let clock = Date.now();

before(async () => {
  provider = await startTestProvider();
});
after(async () => provider.close());

async function mount(config: Record<string, unknown>): Promise<TestBackend> {
  clock = Date.now();
  const t = await createTestBackend((conf) => createJwtBackend(conf, { now: () => clock, jwksCooldownMs: 0 }), { mountPoint: 'auth/jwt/', mountType: 'jwt' });
  await t.write('config', config);
  return t;
}

const login = (t: TestBackend, data: Record<string, unknown>) => t.write('login', data, { unauthenticated: true, connection: { remoteAddress: '127.0.0.1' } });

describe('jwt login with a JWKS', () => {
  it('logs in, maps claims to metadata and groups to group aliases', async () => {
    const t = await mount({ jwks_url: provider.jwksUrl, bound_issuer: provider.issuer });
    await t.write('role/dev', {
      role_type: 'jwt',
      bound_audiences: 'coffer',
      user_claim: 'email',
      groups_claim: '/org/groups',
      claim_mappings: { team: 'team_name', '/org/id': 'org_id' },
      bound_claims: { env: ['prod', 'staging'] },
      token_policies: 'dev',
      token_ttl: '1h',
    });
    const jwt = await provider.sign(
      { iss: provider.issuer, aud: 'coffer', sub: 's-1', email: 'ann@example.com', team: 'blue', env: 'prod', org: { id: 'o-7', groups: ['admins', 'devs', ''] } },
      { expiresIn: '5m' },
    );
    const auth = (await login(t, { role: 'dev', jwt }))?.auth;
    assert.ok(auth);
    assert.equal(auth.displayName, 'ann@example.com');
    assert.deepEqual(auth.alias, { name: 'ann@example.com', metadata: { team_name: 'blue', org_id: 'o-7', role: 'dev' } });
    assert.deepEqual(auth.metadata, { team_name: 'blue', org_id: 'o-7', role: 'dev' });
    assert.deepEqual(auth.groupAliases, [{ name: 'admins' }, { name: 'devs' }]);
    assert.deepEqual(auth.policies, ['dev']);
    assert.equal(auth.ttl, 3600);
    assert.deepEqual(auth.internalData, { role: 'dev' });

    // resolve-role answers the role without checking the token (quotas use it).
    assert.deepEqual((await t.request('resolve-role', 'login', { role: 'DEV', jwt: 'x' }))?.data, { role: 'dev' });
    // Renewal follows the role, and stops once it is gone.
    await t.write('role/dev', { token_ttl: '2h' });
    assert.equal((await t.renewAuth(auth))?.auth?.ttl, 7200);
    await t.delete('role/dev');
    await rejects(t.renewAuth(auth), 'invalid_request', 'role dev does not exist during renewal');
  });

  it('caches the key set, and refetches it for a key it does not know (rotation)', async () => {
    const t = await mount({ jwks_url: provider.jwksUrl });
    await t.write('role/r', { role_type: 'jwt', bound_subject: 'svc' });
    const before = provider.jwksFetches;
    for (let i = 0; i < 3; i++) assert.ok((await login(t, { role: 'r', jwt: await provider.sign({ sub: 'svc' }, { expiresIn: '1m' }) }))?.auth);
    assert.equal(provider.jwksFetches - before, 1, 'fetched once, at the first login');
    await provider.rotateKey();
    assert.ok((await login(t, { role: 'r', jwt: await provider.sign({ sub: 'svc' }, { expiresIn: '1m' }) }))?.auth);
    assert.equal(provider.jwksFetches - before, 2);
  });

  it('follows a redirect to the key set', async () => {
    const t = await mount({ jwks_url: `${provider.issuer}/moved/jwks` });
    await t.write('role/r', { role_type: 'jwt', bound_subject: 'svc' });
    assert.ok((await login(t, { role: 'r', jwt: await provider.sign({ sub: 'svc' }, { expiresIn: '1m' }) }))?.auth);
  });

  it('refuses bad tokens with a 400 and a reason', async () => {
    const t = await mount({ jwks_url: provider.jwksUrl, bound_issuer: provider.issuer });
    await t.write('role/r', {
      role_type: 'jwt',
      bound_audiences: ['coffer'],
      bound_claims_type: 'glob',
      bound_claims: { email: '*@example.com' },
      user_claim: 'sub',
    });
    const good = { iss: provider.issuer, aud: 'coffer', sub: 'u', email: 'u@example.com' };
    assert.ok((await login(t, { role: 'r', jwt: await provider.sign(good, { expiresIn: '1m' }) }))?.auth, 'glob matches');

    const expired = await provider.sign({ ...good, exp: Math.floor(clock / 1000) - 3600 });
    await rejects(login(t, { role: 'r', jwt: expired }), 'invalid_request', 'error validating token: token is expired (exp)');

    const stranger = await generateKeyPair('RS256');
    const forged = await provider.sign(good, { expiresIn: 60, key: stranger.privateKey });
    await rejects(login(t, { role: 'r', jwt: forged }), 'invalid_request', 'error validating token: failed to verify signature');

    await rejects(
      login(t, { role: 'r', jwt: await provider.sign({ ...good, aud: 'other' }, { expiresIn: '1m' }) }),
      'invalid_request',
      'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
    );
    await rejects(
      login(t, { role: 'r', jwt: await provider.sign({ ...good, email: 'u@evil.test' }, { expiresIn: '1m' }) }),
      'invalid_request',
      'error validating claims: claim "email" does not match any associated bound claim values',
    );
    await rejects(
      login(t, { role: 'r', jwt: await provider.sign({ ...good, iss: 'https://elsewhere' }, { expiresIn: '1m' }) }),
      'invalid_request',
      'error validating token: invalid issuer (iss) claim',
    );
    await rejects(
      login(t, { role: 'r', jwt: await provider.sign({ ...good, nbf: Math.floor(clock / 1000) + 3600 }) }),
      'invalid_request',
      'error validating token: token not valid yet (nbf)',
    );
    const hs = await new SignJWT(good).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));
    await rejects(login(t, { role: 'r', jwt: hs }), 'invalid_request', 'error validating token: unsupported signing algorithm "HS256"');
    await rejects(login(t, { role: 'r', jwt: 'not.a.jwt' }), 'invalid_request', /error validating token: malformed token/);
    await rejects(login(t, { role: 'r', jwt: '' }), 'invalid_request', 'missing token');
    await rejects(login(t, { role: 'ghost', jwt: 'x' }), 'invalid_request', 'role "ghost" could not be found');
    await rejects(login(t, { jwt: 'x' }), 'invalid_request', 'missing role');
  });

  it('applies the expiration leeway and the clock skew', async () => {
    const t = await mount({ jwks_url: provider.jwksUrl });
    await t.write('role/r', { role_type: 'jwt', bound_subject: 'u', expiration_leeway: 100, clock_skew_leeway: -1 });
    const exp = Math.floor(clock / 1000) + 10;
    const jwt = await provider.sign({ sub: 'u', exp });
    const at = (secondsPastExp: number): void => {
      clock = (exp + secondsPastExp) * 1000;
    };
    at(90); // inside the 100 s expiration leeway
    assert.ok((await login(t, { role: 'r', jwt }))?.auth);
    at(110);
    await rejects(login(t, { role: 'r', jwt }), 'invalid_request', 'error validating token: token is expired (exp)');
    // No expiration leeway, the default 60 s clock skew.
    await t.write('role/r', { expiration_leeway: -1, clock_skew_leeway: 0 });
    at(50);
    assert.ok((await login(t, { role: 'r', jwt }))?.auth);
    at(70);
    await rejects(login(t, { role: 'r', jwt }), 'invalid_request', 'error validating token: token is expired (exp)');
  });

  it('refuses an audience when the role binds none, and a user claim that is missing', async () => {
    const t = await mount({ jwks_url: provider.jwksUrl });
    await t.write('role/r', { role_type: 'jwt', bound_subject: 'u', user_claim: 'email', groups_claim: 'groups' });
    await rejects(
      login(t, { role: 'r', jwt: await provider.sign({ sub: 'u', aud: 'x', email: 'e' }, { expiresIn: '1m' }) }),
      'invalid_request',
      'audience claim found in JWT but no audiences bound to the role',
    );
    await rejects(login(t, { role: 'r', jwt: await provider.sign({ sub: 'u' }, { expiresIn: '1m' }) }), 'invalid_request', 'claim "email" not found in token');
    await rejects(
      login(t, { role: 'r', jwt: await provider.sign({ sub: 'u', email: 'e' }, { expiresIn: '1m' }) }),
      'invalid_request',
      'failed to fetch groups: "groups" claim not found in token',
    );
    // A single group as a string counts as a list of one.
    const auth = (await login(t, { role: 'r', jwt: await provider.sign({ sub: 'u', email: 'e', groups: 'ops' }, { expiresIn: '1m' }) }))?.auth;
    assert.deepEqual(auth?.groupAliases, [{ name: 'ops' }]);
  });

  it('reads user_claim as a JSON pointer only when user_claim_json_pointer is set', async () => {
    const t = await mount({ jwks_url: provider.jwksUrl });
    await t.write('role/r', { role_type: 'jwt', bound_subject: 'u', user_claim: '/profile/login' });
    const jwt = await provider.sign({ sub: 'u', profile: { login: 'ann' } }, { expiresIn: '1m' });
    await rejects(login(t, { role: 'r', jwt }), 'invalid_request', 'claim "/profile/login" not found in token');
    await t.write('role/r', { user_claim_json_pointer: true });
    assert.equal((await login(t, { role: 'r', jwt }))?.auth?.alias?.name, 'ann');
  });

  it('checks token_bound_cidrs before the token', async () => {
    const t = await mount({ jwks_url: provider.jwksUrl });
    await t.write('role/r', { role_type: 'jwt', token_bound_cidrs: '10.0.0.0/8' });
    await rejects(login(t, { role: 'r', jwt: await provider.sign({ sub: 'u' }, { expiresIn: '1m' }) }), 'permission_denied');
  });
});

describe('jwt login with static keys', () => {
  it('verifies with any of the configured PEM keys, and uses default_role', async () => {
    const other = await generateKeyPair('ES256', { extractable: true });
    const { exportSPKI } = await import('jose');
    const t = await mount({ jwt_validation_pubkeys: [await exportSPKI(other.publicKey), provider.publicKeyPem], default_role: 'r' });
    await t.write('role/r', { role_type: 'jwt', bound_audiences: 'a', token_policies: 'p' });
    const rsa = await provider.sign({ sub: 'u', aud: 'a' }, { expiresIn: '1m' });
    assert.deepEqual((await login(t, { jwt: rsa }))?.auth?.alias?.name, 'u');
    const ec = await new SignJWT({ sub: 'v', aud: ['a', 'b'] }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime('1m').sign(other.privateKey);
    assert.deepEqual((await login(t, { jwt: ec }))?.auth?.alias?.name, 'v');
    const stranger = await generateKeyPair('ES256');
    const forged = await new SignJWT({ sub: 'v', aud: 'a' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime('1m').sign(stranger.privateKey);
    await rejects(login(t, { jwt: forged }), 'invalid_request', /^error validating token: failed to verify signature/);
  });

  it('honours jwt_supported_algs', async () => {
    const t = await mount({ jwt_validation_pubkeys: provider.publicKeyPem, jwt_supported_algs: 'ES256' });
    await t.write('role/r', { role_type: 'jwt', bound_subject: 'u' });
    await rejects(login(t, { role: 'r', jwt: await provider.sign({ sub: 'u' }, { expiresIn: '1m' }) }), 'invalid_request', 'error validating token: unsupported signing algorithm "RS256"');
  });
});

describe('jwt login with OIDC discovery', () => {
  it('finds the keys through the discovery document', async () => {
    const t = await mount({ oidc_discovery_url: provider.issuer, bound_issuer: provider.issuer });
    await t.write('role/r', { role_type: 'jwt', bound_audiences: 'k8s' });
    const jwt = await provider.sign({ iss: provider.issuer, aud: 'k8s', sub: 'system:serviceaccount:ns:sa' }, { expiresIn: '1m' });
    assert.equal((await login(t, { role: 'r', jwt }))?.auth?.alias?.name, 'system:serviceaccount:ns:sa');
    await t.write('role/o', { allowed_redirect_uris: 'http://localhost:8250/oidc/callback' });
    await rejects(login(t, { role: 'o', jwt }), 'invalid_request', 'role with oidc role_type is not allowed');
  });
});

describe('jwt login from a provider with its own CA', () => {
  it('trusts jwks_ca_pem and oidc_discovery_ca_pem, and nothing else', async () => {
    const { selfSignedCertificate } = await import('../../../../test/support/certificates.js');
    const tls = await selfSignedCertificate();
    const tlsProvider = await startTestProvider({}, { tls });
    try {
      const t = await createTestBackend((conf) => createJwtBackend(conf), { mountPoint: 'auth/jwt/' });
      await rejects(t.write('config', { jwks_url: tlsProvider.jwksUrl }), 'invalid_request', /^error checking jwks URL https:.*self.signed certificate/);
      await t.write('config', { jwks_url: tlsProvider.jwksUrl, jwks_ca_pem: tls.cert });
      await t.write('role/r', { role_type: 'jwt', bound_subject: 'svc' });
      assert.ok((await login(t, { role: 'r', jwt: await tlsProvider.sign({ sub: 'svc' }, { expiresIn: '1m' }) }))?.auth);

      await rejects(t.write('config', { oidc_discovery_url: tlsProvider.issuer }), 'invalid_request', /^error checking oidc discovery URL: could not reach.*self.signed certificate/);
      await t.write('config', { oidc_discovery_url: tlsProvider.issuer, oidc_discovery_ca_pem: tls.cert });
      assert.ok((await login(t, { role: 'r', jwt: await tlsProvider.sign({ sub: 'svc' }, { expiresIn: '1m' }) }))?.auth);
    } finally {
      await tlsProvider.close();
    }
  });
});
