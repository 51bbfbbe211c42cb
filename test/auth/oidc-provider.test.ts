// `coffer login -method=oidc` against a certified OpenID provider (panva's
// oidc-provider) on loopback, through a server process and the CLI. The test
// plays the browser with plain HTTP requests: it follows the auth URL to the
// provider, fills in the provider's (development) login and consent forms,
// and follows the redirect back to the CLI's callback listener.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { COFFER_BIN, freePort, runCli, startCoffer, type CofferProcess } from '../support/coffer-process.js';

const CLIENT_ID = 'coffer-cli';
const CLIENT_SECRET = 'a-long-client-secret-for-the-test-provider';

/** Just enough of a browser's cookie handling for the provider's interaction cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** One browser step: a request without following redirects, cookies kept. */
async function browse(jar: CookieJar, url: string, form?: Record<string, string>): Promise<Response> {
  const res = await fetch(url, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  jar.store(res);
  return res;
}

describe('coffer login -method=oidc against oidc-provider', () => {
  let coffer: CofferProcess;
  let idp: Server;
  let issuer: string;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let cliPort: number;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'coffer-oidc-provider-'));
    cliPort = await freePort();
    const idpPort = await freePort();
    issuer = `http://127.0.0.1:${idpPort}`;
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [`http://localhost:${cliPort}/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
      scopes: ['openid', 'email', 'groups'],
      // The user "types" any login name at the development login form; this is their account.
      findAccount: async (_ctx, id) => ({
        accountId: id,
        claims: async () => ({ sub: id, email: `${id}@example.com`, email_verified: true, groups: ['platform', 'oncall'] }),
      }),
      cookies: { keys: ['cookie-signing-key-for-tests'] },
      features: { devInteractions: { enabled: true } },
      pkce: { required: () => true },
      ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    });
    idp = createServer(provider.callback());
    await new Promise<void>((resolve) => idp.listen(idpPort, '127.0.0.1', resolve));

    const port = await freePort();
    coffer = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-root-token-id=oidc-root'], port, { HOME: home });
    env = { HOME: home, VAULT_ADDR: coffer.address, VAULT_TOKEN: 'oidc-root' };
  });

  after(async () => {
    await coffer?.stop();
    idp?.closeAllConnections();
    await new Promise<void>((resolve) => (idp ? idp.close(() => resolve()) : resolve()));
    rmSync(home, { recursive: true, force: true });
  });

  const cli = async (...args: string[]): Promise<void> => {
    const r = await runCli(args, env);
    assert.equal(r.code, 0, `coffer ${args.join(' ')}: ${r.stderr}`);
  };

  it('signs in at the provider (login and consent) and ends with a Coffer token', async () => {
    await cli('auth', 'enable', 'oidc');
    await cli('write', 'auth/oidc/config', `oidc_discovery_url=${issuer}`, `oidc_client_id=${CLIENT_ID}`, `oidc_client_secret=${CLIENT_SECRET}`);
    await cli(
      'write',
      'auth/oidc/role/people',
      'allowed_redirect_uris=http://localhost:8250/oidc/callback',
      'oidc_scopes=email,groups',
      'user_claim=email',
      'groups_claim=groups',
      'claim_mappings=email=mail',
      'bound_claims={"groups":"platform"}',
      'token_policies=people',
    );

    const login = spawn(process.execPath, [COFFER_BIN, 'login', '-method=oidc', '-format=json', 'role=people', `port=${cliPort}`, 'skip_browser=true'], {
      env: { ...process.env, ...env, VAULT_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    login.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const authUrl = await new Promise<string>((resolve, reject) => {
      login.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const found = new RegExp(`(${issuer.replace(/\./g, '\\.')}/auth\\?\\S+)`).exec(stderr);
        if (found) resolve(found[1]!);
      });
      login.once('exit', () => reject(new Error(`the CLI exited before printing the URL: ${stderr}`)));
    });
    const exited = new Promise<number>((resolve) => login.once('close', (code) => resolve(code ?? 1)));

    // The browser, step by step: authorize → login form → resume → consent form → resume → back to the CLI.
    const jar = new CookieJar();
    let res = await browse(jar, authUrl);
    let callback: string | undefined;
    for (let step = 0; step < 10 && !callback; step++) {
      assert.ok(res.status === 302 || res.status === 303, `step ${step}: HTTP ${res.status}: ${await res.text()}`);
      const location = new URL(res.headers.get('location')!, issuer).href;
      if (location.startsWith(`http://localhost:${cliPort}/`)) {
        callback = location;
      } else if (/\/interaction\/[^/]+$/.test(new URL(location).pathname)) {
        const page = await browse(jar, location);
        const html = await page.text();
        const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
        assert.ok(prompt === 'login' || prompt === 'consent', `unexpected interaction page: ${html.slice(0, 300)}`);
        res = await browse(jar, location, prompt === 'login' ? { prompt, login: 'carol', password: 'anything' } : { prompt });
      } else {
        res = await browse(jar, location);
      }
    }
    assert.ok(callback, 'the provider sent the browser back to the CLI');
    assert.match(callback, /[?&]code=/);
    const page = await fetch(callback);
    assert.equal(page.status, 200, await page.clone().text());
    assert.match(await page.text(), /login was successful/);

    assert.equal(await exited, 0, stderr);
    const auth = JSON.parse(stdout).auth;
    assert.deepEqual(auth.policies, ['default', 'people']);
    assert.deepEqual(auth.metadata, { mail: 'carol@example.com', role: 'people' });

    const self = JSON.parse((await runCli(['token', 'lookup', '-format=json', auth.client_token], env)).stdout);
    assert.equal(self.data.display_name, 'oidc-carol@example.com');
  });
});
