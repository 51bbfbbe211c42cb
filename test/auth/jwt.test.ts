// The JWT/OIDC auth method through a real server process and the coffer CLI,
// against the loopback OpenID provider in test/support: JWT logins with a
// JWKS (write and login -method=jwt), a refused token's 400, and the whole
// OIDC browser flow of `coffer login -method=oidc`, where the test plays the
// browser (it follows the provider's redirect back to the CLI's listener).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COFFER_BIN, freePort, runCli, startCoffer, type CofferProcess } from '../support/coffer-process.js';
import { startTestProvider, type TestProvider } from '../support/oidc-test-provider.js';

describe('jwt and oidc auth through the server and the CLI', () => {
  let coffer: CofferProcess;
  let provider: TestProvider;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let cliPort: number;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'coffer-jwt-'));
    cliPort = await freePort();
    provider = await startTestProvider({ redirectUris: [`http://localhost:${cliPort}/oidc/callback`] });
    provider.user = { sub: 'bob-id', idTokenClaims: { email: 'bob@example.com', groups: ['ops'] } };
    const port = await freePort();
    coffer = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-root-token-id=jwt-root'], port, { HOME: home });
    env = { HOME: home, VAULT_ADDR: coffer.address, VAULT_TOKEN: 'jwt-root' };
  });

  after(async () => {
    await coffer?.stop();
    await provider?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const cli = async (...args: string[]): Promise<string> => {
    const r = await runCli(args, env);
    assert.equal(r.code, 0, `coffer ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  it('logs in with a JWT verified through a JWKS, and refuses a bad one with a 400', async () => {
    await cli('auth', 'enable', 'jwt');
    await cli('write', 'auth/jwt/config', `jwks_url=${provider.jwksUrl}`, `bound_issuer=${provider.issuer}`);
    await cli('write', 'auth/jwt/role/ci', 'role_type=jwt', 'bound_audiences=coffer', 'user_claim=sub', 'claim_mappings=repo=repository', 'token_policies=ci', 'token_ttl=20m');

    const jwt = await provider.sign({ iss: provider.issuer, aud: 'coffer', sub: 'repo:acme/app', repo: 'acme/app' }, { expiresIn: '5m' });
    const written = JSON.parse(await cli('write', '-format=json', 'auth/jwt/login', 'role=ci', `jwt=${jwt}`));
    assert.deepEqual(written.auth.policies, ['ci', 'default']);
    assert.deepEqual(written.auth.metadata, { repository: 'acme/app', role: 'ci' });
    assert.equal(written.auth.lease_duration, 1200);

    const token = (await cli('login', '-method=jwt', '-token-only', 'role=ci', `jwt=${jwt}`)).trim();
    const lookup = JSON.parse(await runCli(['token', 'lookup', '-format=json', token], env).then((r) => r.stdout));
    assert.equal(lookup.data.display_name, 'jwt-repo:acme/app');
    assert.equal(lookup.data.meta.repository, 'acme/app');

    const expired = await provider.sign({ iss: provider.issuer, aud: 'coffer', sub: 'x', exp: Math.floor(Date.now() / 1000) - 3600 });
    const res = await fetch(`${coffer.address}/v1/auth/jwt/login`, { method: 'POST', body: JSON.stringify({ role: 'ci', jwt: expired }) });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { errors: ['error validating token: token is expired (exp)'] });
    const refused = await runCli(['write', 'auth/jwt/login', 'role=ci', `jwt=${await provider.sign({ aud: 'other', sub: 'x' }, { expiresIn: '5m' })}`], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Code: 400\. Errors:\n\n\* error validating token: invalid issuer \(iss\) claim/);
  });

  it('coffer login -method=oidc: the browser flow through the provider ends with a stored token', async () => {
    await cli('auth', 'enable', 'oidc');
    await cli(
      'write',
      'auth/oidc/config',
      `oidc_discovery_url=${provider.issuer}`,
      `oidc_client_id=${provider.client.clientId}`,
      `oidc_client_secret=${provider.client.clientSecret}`,
      'default_role=web',
    );
    await cli('write', 'auth/oidc/role/web', 'allowed_redirect_uris=http://localhost:8250/oidc/callback', 'user_claim=email', 'groups_claim=groups', 'token_policies=web');

    const login = spawn(process.execPath, [COFFER_BIN, 'login', '-method=oidc', `port=${cliPort}`, 'skip_browser=true'], {
      env: { ...process.env, ...env, VAULT_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    login.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const authUrl = await new Promise<string>((resolve, reject) => {
      login.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const found = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(stderr);
        if (found) resolve(found[1]!);
      });
      login.once('exit', () => reject(new Error(`the CLI exited before printing the URL: ${stderr}`)));
    });
    const exited = new Promise<number>((resolve) => login.once('close', (code) => resolve(code ?? 1)));

    // The browser: the provider logs the user in and redirects to the CLI's listener.
    const atProvider = await fetch(authUrl, { redirect: 'manual' });
    assert.equal(atProvider.status, 302);
    const callback = atProvider.headers.get('location')!;
    assert.ok(callback.startsWith(`http://localhost:${cliPort}/oidc/callback?`), callback);
    const page = await fetch(callback);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /login was successful/);

    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /Success! You are now authenticated/);
    // The token went to the token helper: a lookup without VAULT_TOKEN uses it.
    const self = JSON.parse((await runCli(['token', 'lookup', '-format=json'], { ...env, VAULT_TOKEN: '' })).stdout);
    assert.equal(self.data.display_name, 'oidc-bob@example.com');
    assert.deepEqual(self.data.policies, ['default', 'web']);
    assert.equal(self.data.meta.role, 'web');
  });

  it('coffer login -method=oidc reports a role that does not allow the redirect URI', async () => {
    await cli('write', 'auth/oidc/role/strict', 'allowed_redirect_uris=https://app.example/callback');
    const r = await runCli(['login', '-method=oidc', `port=${cliPort}`, 'skip_browser=true', 'role=strict'], { ...env, VAULT_TOKEN: '' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`Unable to authorize role "strict" with redirect_uri "http://localhost:${cliPort}/oidc/callback"`));
  });
});
