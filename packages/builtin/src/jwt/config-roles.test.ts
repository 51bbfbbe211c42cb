import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { assertEveryPathDocumented, assertRejectsWithCode as rejects, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { startTestProvider, type TestProvider } from '../../../../test/support/oidc-test-provider.js';
import { jwtFactory } from './index.js';

let provider: TestProvider;
before(async () => {
  provider = await startTestProvider({ clientSecret: 'very-secret-client-secret' });
});
after(async () => provider.close());

const mount = (): Promise<TestBackend> => createTestBackend(jwtFactory, { mountPoint: 'auth/jwt/', mountType: 'jwt' });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('jwt config', () => {
  it('is a credential backend whose login and OIDC paths are unauthenticated', async () => {
    const t = await mount();
    assert.equal(t.backend.type, 'credential');
    assert.deepEqual(t.backend.specialPaths().unauthenticated, ['login', 'oidc/auth_url', 'oidc/callback']);
  });

  it('stores the OIDC config and never returns the client secret', async () => {
    const t = await mount();
    assert.equal(await t.read('config'), null);
    await t.write('config', {
      oidc_discovery_url: provider.issuer,
      oidc_client_id: provider.client.clientId,
      oidc_client_secret: provider.client.clientSecret,
      default_role: 'web',
      bound_issuer: provider.issuer,
    });
    const read = await t.read('config');
    assert.equal(JSON.stringify(read).includes('very-secret-client-secret'), false);
    assert.equal(read?.data?.['oidc_client_id'], provider.client.clientId);
    assert.equal(read?.data?.['oidc_discovery_url'], provider.issuer);
    assert.equal(read?.data?.['default_role'], 'web');
    assert.deepEqual(read?.data?.['jwt_validation_pubkeys'], []);
    assert.equal(read?.data?.['namespace_in_state'], true);
    assert.equal('oidc_client_secret' in (read?.data ?? {}), false);
  });

  it('needs exactly one key source, and both halves of the client', async () => {
    const t = await mount();
    const one = "exactly one of 'jwt_validation_pubkeys', 'jwks_url' or 'oidc_discovery_url' must be set";
    await rejects(t.write('config', {}), 'invalid_request', one);
    await rejects(t.write('config', { jwks_url: provider.jwksUrl, jwt_validation_pubkeys: provider.publicKeyPem }), 'invalid_request', one);
    await rejects(
      t.write('config', { oidc_discovery_url: provider.issuer, oidc_client_id: 'x' }),
      'invalid_request',
      "both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC",
    );
    await rejects(
      t.write('config', { jwks_url: provider.jwksUrl, oidc_client_id: 'x', oidc_client_secret: 'y' }),
      'invalid_request',
      "'oidc_discovery_url' must be set for OIDC",
    );
    await rejects(t.write('config', { jwt_validation_pubkeys: 'not a pem' }), 'invalid_request', /^error parsing public key/);
    await rejects(t.write('config', { jwks_url: provider.jwksUrl, jwt_supported_algs: 'HS256' }), 'invalid_request', /invalid jwt_supported_algs/);
    assert.equal(await t.read('config'), null, 'nothing was written');
  });

  it('refuses an unreachable or wrong provider with the reason', async () => {
    const t = await mount();
    const port = await closedPort();
    await rejects(
      t.write('config', { jwks_url: `http://127.0.0.1:${port}/jwks` }),
      'invalid_request',
      new RegExp(`^error checking jwks URL http://127\\.0\\.0\\.1:${port}/jwks: could not reach .*ECONNREFUSED`),
    );
    await rejects(t.write('config', { jwks_url: `${provider.issuer}/nowhere` }), 'invalid_request', /answered HTTP 404/);
    await rejects(t.write('config', { oidc_discovery_url: `http://127.0.0.1:${port}` }), 'invalid_request', /^error checking oidc discovery URL: could not reach/);
    // The discovery document names another issuer: refused (OpenID Connect Discovery 4.3).
    await rejects(
      t.write('config', { oidc_discovery_url: `http://localhost:${new URL(provider.issuer).port}` }),
      'invalid_request',
      /^error checking oidc discovery URL: issuer did not match the issuer returned by provider/,
    );
    assert.equal(await t.read('config'), null);
  });
});

describe('jwt roles', () => {
  it('creates roles with Vault\'s defaults and reads them back', async () => {
    const t = await mount();
    await t.write('role/Web', { allowed_redirect_uris: 'http://localhost:8250/oidc/callback', token_policies: 'a,b', oidc_scopes: 'email, profile' });
    const data = (await t.read('role/web'))?.data;
    assert.equal(data?.['role_type'], 'oidc');
    assert.equal(data?.['user_claim'], 'sub');
    assert.equal(data?.['bound_claims_type'], 'string');
    assert.equal(data?.['clock_skew_leeway'], 60);
    assert.equal(data?.['expiration_leeway'], 150);
    assert.equal(data?.['not_before_leeway'], 150);
    assert.equal(data?.['verbose_oidc_logging'], false);
    assert.deepEqual(data?.['oidc_scopes'], ['email', 'profile']);
    assert.deepEqual(data?.['token_policies'], ['a', 'b']);
    assert.deepEqual(data?.['bound_claims'], {});
    assert.equal('policies' in (data ?? {}), false);

    await t.write('role/batch', { role_type: 'jwt', bound_subject: 's', policies: 'old', ttl: '10m', bound_claims: { groups: ['a', 'b'] }, claim_mappings: 'email=mail' });
    const batch = (await t.read('role/batch'))?.data;
    assert.deepEqual(batch?.['policies'], ['old']);
    assert.deepEqual(batch?.['token_policies'], ['old']);
    assert.equal(batch?.['token_ttl'], 600);
    assert.deepEqual(batch?.['bound_claims'], { groups: ['a', 'b'] });
    assert.deepEqual(batch?.['claim_mappings'], { email: 'mail' });

    assert.deepEqual((await t.list('role/'))?.data, { keys: ['batch', 'web'] });
    await t.delete('role/web');
    assert.equal(await t.read('role/web'), null);
  });

  it('refuses inconsistent roles with Vault\'s messages', async () => {
    const t = await mount();
    await rejects(t.write('role/r', {}), 'invalid_request', "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
    await rejects(t.write('role/r', { role_type: 'jwt' }), 'invalid_request', 'must have at least one bound constraint when creating/updating a role');
    await rejects(t.write('role/r', { role_type: 'saml' }), 'invalid_request', "invalid 'role_type': saml");
    await rejects(t.write('role/r', { role_type: 'jwt', bound_subject: 's', user_claim: '' }), 'invalid_request', 'a user claim must be defined on the role');
    await rejects(t.write('role/r', { role_type: 'jwt', bound_subject: 's', bound_claims_type: 'regex' }), 'invalid_request', "invalid 'bound_claims_type': regex");
    await rejects(
      t.write('role/r', { role_type: 'jwt', bound_subject: 's', bound_claims_type: 'glob', bound_claims: { n: 5 } }),
      'invalid_request',
      /must be a string or a list of strings/,
    );
    await rejects(
      t.write('role/r', { role_type: 'jwt', bound_subject: 's', claim_mappings: { a: 'role' } }),
      'invalid_request',
      'metadata key "role" is reserved and may not be a mapping destination',
    );
    await rejects(
      t.write('role/r', { role_type: 'jwt', bound_subject: 's', claim_mappings: { a: 'x', b: 'x' } }),
      'invalid_request',
      'multiple keys are mapped to metadata key "x"',
    );
    await rejects(t.write('role/r', { role_type: 'jwt', bound_subject: 's', token_ttl: 100, token_max_ttl: 10 }), 'invalid_request', "'token_ttl' cannot be greater than 'token_max_ttl'");
    assert.equal(await t.read('role/r'), null);
  });

  it('warns about verbose OIDC logging', async () => {
    const t = await mount();
    const resp = await t.write('role/v', { allowed_redirect_uris: 'https://app.example/cb', verbose_oidc_logging: true });
    assert.match(resp?.warnings?.[0] ?? '', /verbose_oidc_logging has been enabled/);
  });

  it('documents every path', async () => {
    const t = await mount();
    assertEveryPathDocumented(t.backend);
    assert.match(await t.help(''), /OpenID Connect/);
  });
});
