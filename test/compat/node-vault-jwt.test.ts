// Black-box compatibility: node-vault's jwtLogin against a `coffer server`
// process, with a JWKS served by the loopback OpenID provider, as a
// workload (a CI job, a Kubernetes pod) would log in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startCoffer, type CofferProcess } from '../support/coffer-process.js';
import { startTestProvider, type TestProvider } from '../support/oidc-test-provider.js';

const require = createRequire(import.meta.url);
const nodeVault = require('node-vault') as (opts: { apiVersion: string; endpoint: string; token?: string }) => any;

let server: CofferProcess;
let provider: TestProvider;
let home: string;
let vault: any;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'coffer-node-vault-jwt-'));
  provider = await startTestProvider();
  const port = await freePort();
  server = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-root-token-id=nv-root'], port, { HOME: home });
  vault = nodeVault({ apiVersion: 'v1', endpoint: server.address, token: 'nv-root' });
});

after(async () => {
  await server?.stop();
  await provider?.close();
  rmSync(home, { recursive: true, force: true });
});

test('jwtLogin with a token verified through a JWKS', async () => {
  await vault.enableAuth({ mount_point: 'jwt', type: 'jwt' });
  await vault.write('auth/jwt/config', { jwks_url: provider.jwksUrl, bound_issuer: provider.issuer });
  await vault.write('auth/jwt/role/pods', {
    role_type: 'jwt',
    bound_audiences: ['coffer'],
    bound_claims: { namespace: 'prod' },
    user_claim: 'sub',
    token_policies: ['pods'],
  });
  const jwt = await provider.sign({ iss: provider.issuer, aud: 'coffer', sub: 'system:serviceaccount:prod:api', namespace: 'prod' }, { expiresIn: '5m' });
  const login = await vault.jwtLogin({ role: 'pods', jwt });
  assert.match(login.auth.client_token, /^hvs\./);
  assert.deepEqual(login.auth.policies, ['default', 'pods']);
  assert.deepEqual(login.auth.metadata, { role: 'pods' });
  // node-vault switched to the new token, as an application would use it.
  assert.equal(vault.token, login.auth.client_token);
  assert.equal((await vault.tokenLookupSelf()).data.display_name, 'jwt-system:serviceaccount:prod:api');
  vault.token = 'nv-root';

  const staging = await provider.sign({ iss: provider.issuer, aud: 'coffer', sub: 'x', namespace: 'staging' }, { expiresIn: '5m' });
  await assert.rejects(vault.jwtLogin({ role: 'pods', jwt: staging }), (err: any) => {
    assert.equal(err.response?.statusCode, 400);
    assert.equal(err.message, 'error validating claims: claim "namespace" does not match any associated bound claim values');
    return true;
  });
  vault.token = 'nv-root';
});
