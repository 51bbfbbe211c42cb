// Black-box compatibility: hvac (Python, Debian's python3-hvac) logs in with
// a JWT against a real `coffer server` process whose jwt method verifies
// signatures through the JWKS of the loopback OpenID provider, looks its
// token up, and gets Vault's refusal, as InvalidRequest, for an expired JWT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startCoffer } from '../support/coffer-process.js';
import { startTestProvider } from '../support/oidc-test-provider.js';
import { hvacLoginCheckScript, hvacMissing, runHvacScript } from '../support/hvac.js';

const ROOT_TOKEN = 'hvac-root';

/** hvac's jwt_login with the role (extra[0]) on the mount given by path=. */
const SCRIPT = hvacLoginCheckScript("c.auth.jwt.jwt_login(role=extra[0], jwt=secret, path=mount)");

test('hvac: jwt_login through a JWKS, lookup_self; an expired JWT refused', { skip: hvacMissing() }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'coffer-hvac-jwt-'));
  const provider = await startTestProvider();
  const port = await freePort();
  const server = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${ROOT_TOKEN}`], port, { HOME: home });
  const admin = async (path: string, body: unknown): Promise<void> => {
    const res = await fetch(`${server.address}/v1/${path}`, { method: 'POST', headers: { 'X-Vault-Token': ROOT_TOKEN }, body: JSON.stringify(body) });
    assert.ok(res.status === 204 || res.status === 200, `${path}: ${res.status} ${await res.text()}`);
  };
  try {
    // A mount other than the default "jwt", so that hvac's path= is what routes the login.
    await admin('sys/auth/workloads', { type: 'jwt' });
    await admin('auth/workloads/config', { jwks_url: provider.jwksUrl, bound_issuer: provider.issuer });
    await admin('auth/workloads/role/batch', {
      role_type: 'jwt',
      bound_audiences: ['coffer'],
      user_claim: 'sub',
      claim_mappings: { team: 'team' },
      token_policies: ['batch'],
      token_ttl: '15m',
    });
    const claims = { iss: provider.issuer, aud: 'coffer', sub: 'job:nightly-report', team: 'data' };
    const good = await provider.sign(claims, { expiresIn: '5m' });
    const expired = await provider.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 3600 });

    // Asynchronously: the JWKS is served from this process's event loop while hvac waits on Coffer.
    const out = await runHvacScript(SCRIPT, [server.address, 'workloads', good, expired, 'batch']);
    assert.equal(out['error'], undefined, out['error']);
    assert.match(out['login'].client_token, /^hvs\./);
    assert.deepEqual(out['login'].policies, ['batch', 'default']);
    assert.deepEqual(out['login'].metadata, { role: 'batch', team: 'data' });
    assert.equal(out['login'].lease_duration, 900);
    assert.equal(out['authenticated'], true);
    assert.equal(out['lookup'].display_name, 'workloads-job:nightly-report');
    assert.equal(out['lookup'].path, 'auth/workloads/login');
    assert.deepEqual(out['lookup'].policies, ['batch', 'default']);

    assert.deepEqual(out['refused'], { type: 'InvalidRequest', errors: ['error validating token: token is expired (exp)'] });
  } finally {
    await server.stop();
    await provider.close();
    rmSync(home, { recursive: true, force: true });
  }
});
