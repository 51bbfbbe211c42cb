// Coffer as an OpenID provider, with its authorization endpoint in the web UI,
// in a real browser (Debian's chromium through playwright-core) against a real
// `coffer server -dev` process: an application sends the browser to the
// provider's authorization_endpoint (from discovery); the user logs in with
// userpass there and is sent back to the application's redirect_uri with a
// code, which the application exchanges for an ID token naming the user's
// entity. A client whose redirect URI is not registered is refused on the
// page, and the browser goes nowhere.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { freePort, startCoffer, type CofferProcess } from '../support/coffer-process.js';
import { browserUnavailable, openBrowser, seriousAxeViolations, type BrowserSession } from './support/browser.js';

const ROOT = 'oidc-ui-root';
const unavailable = browserUnavailable();
const skip = unavailable !== undefined && process.env['CI'] !== 'true' ? `${unavailable}; skipping the browser tests` : false;

describe('OIDC provider: the authorization endpoint in the web UI', { skip, timeout: 180_000 }, () => {
  let server: CofferProcess;
  let browser: BrowserSession;
  let app: Server;
  let redirectUri = '';
  let client: { client_id: string; client_secret: string };
  let entityId = '';
  /** The query strings the application's callback received. */
  const callbacks: URLSearchParams[] = [];

  const call = async (method: string, path: string, body?: unknown, token = ROOT) => {
    const res = await fetch(`${server.address}/v1/${path}`, { method, headers: { 'X-Vault-Token': token, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await call(method, path, body);
    assert.ok(res.status === 200 || res.status === 204, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  before(async () => {
    if (unavailable) assert.fail(`CI=true: ${unavailable}`);
    // The application: its callback records what the provider sent back.
    const appPort = await freePort();
    redirectUri = `http://127.0.0.1:${appPort}/callback`;
    app = createServer((req, res) => {
      const url = new URL(req.url ?? '/', redirectUri);
      // (The browser also asks for /favicon.ico.)
      if (url.pathname === '/callback') callbacks.push(url.searchParams);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html lang="en"><title>App</title><h1>Signed in</h1></html>');
    });
    await new Promise<void>((resolve) => app.listen(appPort, '127.0.0.1', resolve));

    const port = await freePort();
    server = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${ROOT}`], port);
    await ok('POST', 'sys/auth/userpass', { type: 'userpass' });
    await ok('PUT', 'sys/policies/acl/oidc-user', { policy: 'path "identity/oidc/provider/main/authorize" { capabilities = ["read", "update"] }' });
    await ok('POST', 'auth/userpass/users/uma', { password: 'uma-pw', token_policies: 'oidc-user' });
    // Logging in once creates uma's entity, which the assignment names.
    entityId = (await call('POST', 'auth/userpass/login/uma', { password: 'uma-pw' }, '')).body.auth.entity_id;
    await ok('POST', 'identity/oidc/assignment/people', { entity_ids: [entityId] });
    await ok('POST', 'identity/oidc/client/app', { redirect_uris: [redirectUri], assignments: ['people'] });
    client = (await ok('GET', 'identity/oidc/client/app')).data;
    await ok('POST', 'identity/oidc/provider/main', { allowed_client_ids: [client.client_id] });
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => app?.close(resolve));
  });

  async function authorizationUrl(params: Record<string, string>): Promise<string> {
    const discovery = (await call('GET', 'identity/oidc/provider/main/.well-known/openid-configuration', undefined, '')).body;
    const url = new URL(discovery.authorization_endpoint);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  it('logs the user in, sends the browser back with a code, and the code gets an ID token for the user\'s entity', async () => {
    const { page } = browser;
    await page.goto(await authorizationUrl({ client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 'st-123', nonce: 'n-456' }));
    await page.getByRole('heading', { level: 1, name: 'Log in to Coffer' }).waitFor();
    await page.getByText('An application asks you to sign in').waitFor();
    assert.deepEqual(await seriousAxeViolations(page), []);
    await page.getByRole('radio', { name: 'Username' }).check();
    await page.getByRole('textbox', { name: 'Username' }).fill('uma');
    await page.getByRole('textbox', { name: 'Password' }).fill('uma-pw');
    await page.getByRole('button', { name: 'Log in' }).click();

    await page.waitForURL((u) => u.toString().startsWith(redirectUri));
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    assert.equal(callbacks.length, 1);
    const code = callbacks[0]!.get('code');
    assert.ok(code, 'the callback carries a code');
    assert.equal(callbacks[0]!.get('state'), 'st-123');

    // The application's back channel: the code for tokens, with its client secret.
    const res = await fetch(`${server.address}/v1/identity/oidc/provider/main/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }).toString(),
    });
    const tokens = (await res.json()) as { id_token: string; access_token: string };
    assert.equal(res.status, 200, JSON.stringify(tokens));
    const jwks = createRemoteJWKSet(new URL(`${server.address}/v1/identity/oidc/provider/main/.well-known/keys`));
    const { payload } = await jwtVerify(tokens.id_token, jwks, { audience: client.client_id });
    assert.equal(payload.sub, entityId);
    assert.equal(payload['nonce'], 'n-456');
    assert.deepEqual(browser.problems, []);
  });

  it('refuses a redirect URI the client did not register, on the page, without sending the browser there', async () => {
    const { page } = browser;
    const before = callbacks.length;
    // Still logged in from the first test (the UI keeps the session in this tab).
    await page.goto(await authorizationUrl({ client_id: client.client_id, redirect_uri: `${redirectUri}/elsewhere`, response_type: 'code', scope: 'openid', state: 's' }));
    await page.getByRole('heading', { level: 1, name: 'Sign in to an application' }).waitFor();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /redirect_uri is not allowed for the client/);
    assert.ok(new URL(page.url()).pathname.startsWith('/ui/vault/identity/oidc/provider/main/authorize'));
    assert.equal(callbacks.length, before);
    assert.deepEqual(await seriousAxeViolations(page), []);
  });
});
