// The web UI end to end, in a real browser (Debian's chromium through
// playwright-core) against a real `coffer server` process: init and unseal,
// log in, KV versions and their diff, a policy and the capability tester, a
// token with that policy hitting a permission-denied page, and a plugin
// registered and reloaded. axe-core checks every page; screenshots go to
// artifacts/ui/ (gitignored).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildExamples } from '../../examples/plugins/build.mjs';
import { freePort, sqliteServerConfig, startCoffer, type CofferProcess } from '../support/coffer-process.js';
import { REPO_ROOT } from '../plugins/support.js';
import { browserUnavailable, focusedLabel, openBrowser, seriousAxeViolations, storedToken, type BrowserSession } from './support/browser.js';

const unavailable = browserUnavailable();
const inCi = process.env['CI'] === 'true';
// Skipped without a browser, except under CI, where a missing browser must fail the run.
const skip = unavailable !== undefined && !inCi ? `${unavailable}; skipping the browser tests` : false;
const ARTIFACTS = join(REPO_ROOT, 'artifacts', 'ui');

describe('web UI in chromium against a real server', { skip, timeout: 240_000 }, () => {
  let server: CofferProcess;
  let browser: BrowserSession;
  let pluginSha = '';
  const checked: string[] = [];

  before(async () => {
    if (unavailable) assert.fail(`CI=true: ${unavailable}`);
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const base = mkdtempSync(join(tmpdir(), 'coffer-ui-e2e-'));
    const pluginDir = join(base, 'plugins');
    mkdirSync(pluginDir);
    const [built] = await buildExamples(join(base, 'build'), { only: ['kv-secrets-v1'] });
    copyFileSync(built!.file, join(pluginDir, 'kv-secrets-v1'));
    pluginSha = built!.sha256;
    const port = await freePort();
    const cfg = sqliteServerConfig(port, `plugin_directory = "${pluginDir}"\nui = true`, join(base, 'data'));
    server = await startCoffer(['server', `-config=${cfg.configPath}`], port);
    browser = await openBrowser();
  });

  after(async () => {
    // The page as the last test left it: the first thing to look at when one failed.
    await browser?.page.screenshot({ path: join(ARTIFACTS, 'last.png'), fullPage: true }).catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  /** Screenshot the page and require no serious or critical accessibility violation and no console error. */
  async function check(name: string): Promise<void> {
    const { page } = browser;
    await page.screenshot({ path: join(ARTIFACTS, `${String(checked.length + 1).padStart(2, '0')}-${name}.png`), fullPage: true });
    const violations = await seriousAxeViolations(page);
    assert.deepEqual(violations, [], `axe on ${name}: ${JSON.stringify(violations, null, 2)}`);
    assert.deepEqual(browser.problems, [], `console errors on ${name}`);
    checked.push(name);
  }

  const ui = (route = '') => `${server.address}/ui/${route}`;
  const heading = (name: string | RegExp) => browser.page.getByRole('heading', { level: 1, name });

  let rootToken = '';
  let unsealKey = '';
  let limitedToken = '';

  it('initializes a fresh server and shows the keys once', async () => {
    const { page } = browser;
    await page.goto(server.address + '/');
    assert.equal(new URL(page.url()).pathname, '/ui/', '/ redirects to the UI');
    await heading('Initialize Coffer').waitFor();
    await check('init');
    await page.getByLabel('Key shares').fill('1');
    await page.getByLabel('Key threshold').fill('1');
    await page.getByRole('button', { name: 'Initialize' }).click();
    await page.getByRole('heading', { name: 'Unseal keys and root token' }).waitFor();
    unsealKey = (await page.locator('.one-time', { hasText: 'Unseal key 1' }).locator('code').textContent()) ?? '';
    rootToken = (await page.locator('.one-time', { hasText: 'Initial root token' }).locator('code').textContent()) ?? '';
    assert.ok(unsealKey.length > 20 && rootToken.startsWith('hvs.') || rootToken.length > 10, 'keys and token are shown');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download keys as JSON' }).click();
    assert.equal((await download).suggestedFilename(), 'coffer-init.json');
    await check('init-keys');
  });

  it('unseals with the key share, showing progress', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Continue to unseal' }).click();
    await heading('Unseal Coffer').waitFor();
    await check('unseal');
    await page.getByLabel('Unseal key').fill('not-a-valid-key');
    await page.getByRole('button', { name: 'Unseal', exact: true }).click();
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /What to do/);
    await page.getByLabel('Unseal key').fill(unsealKey);
    await page.getByRole('button', { name: 'Unseal', exact: true }).click();
    await heading('Log in to Coffer').waitFor();
  });

  it('logs in with the root token and shows the dashboard', async () => {
    const { page } = browser;
    await check('login');
    await page.getByRole('textbox', { name: 'Token' }).fill(rootToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await heading('Dashboard').waitFor();
    await page.getByRole('cell', { name: 'sys/' }).waitFor();
    assert.equal(await storedToken(page, 'sessionStorage'), rootToken, 'the token is kept in session storage');
    assert.equal(await storedToken(page, 'localStorage'), null, 'and never in local storage');
    await check('dashboard');
  });

  it('shows request count, rate and latency from sys/metrics on the dashboard', async () => {
    const { page } = browser;
    // Requests the panel must count: the server measures each one.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.address}/v1/sys/mounts`, { headers: { 'X-Vault-Token': rootToken } });
      assert.equal(res.status, 200);
    }
    const summary = page.getByRole('region', { name: 'Requests', exact: true }).locator('dl');
    const value = (term: string) => summary.locator('div').filter({ has: page.getByRole('term').filter({ hasText: term }) }).getByRole('definition');
    // The rate needs two readings of sys/metrics (the panel polls every 3 s).
    await value('Request rate').filter({ hasText: /^\d+\.\d{2} \/s$/ }).waitFor({ timeout: 15_000 });
    const requests = Number(await value('Requests').textContent());
    assert.ok(requests >= 5, `the panel counts the requests made (saw ${requests})`);
    const rate = Number.parseFloat((await value('Request rate').textContent()) ?? '');
    assert.ok(Number.isFinite(rate) && rate >= 0, `a request rate (saw ${rate})`);
    for (const term of ['Mean latency', 'Max latency']) {
      const latency = (await value(term).textContent()) ?? '';
      assert.match(latency, /^\d+\.\d{2} ms$/, `${term} in milliseconds`);
      assert.ok(Number.parseFloat(latency) > 0, `${term} is measured (saw ${latency})`);
    }
    const routes = page.getByRole('table', { name: 'Requests by route' });
    assert.match((await routes.textContent()) ?? '', /read\.sys-/, 'per-route timers are listed');
    await check('dashboard-metrics');
  });

  it('enables a KV v2 engine with the form', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Secrets engines' }).click();
    await heading('Secrets engines').waitFor();
    await page.getByRole('button', { name: 'Enable a secrets engine' }).click();
    await page.getByLabel('Path', { exact: true }).fill('secret');
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Enabled secret/' }).waitFor();
    await page.getByRole('link', { name: 'secret/' }).waitFor();
    await check('engines');
    await page.getByRole('button', { name: 'Disable secret/' }).click();
    const confirm = page.getByRole('button', { name: 'Disable secret/', exact: true }).last();
    assert.equal(await page.getByRole('alertdialog').getByRole('button', { name: 'Disable secret/' }).isDisabled(), true, 'disabling waits for the typed path');
    await page.getByRole('button', { name: 'Cancel' }).click();
    void confirm;
  });

  it('creates a secret, saves a second version and diffs the two', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'secret/' }).click();
    await heading('secret/').waitFor();
    await page.getByLabel('Create a secret at').fill('app/config');
    await page.getByRole('button', { name: 'Create' }).click();
    await heading('app/config').waitFor();
    await page.getByLabel('Key 1').fill('password');
    await page.getByLabel('Value 1').fill('first-value');
    await page.getByRole('button', { name: 'Add a key' }).click();
    await page.getByLabel('Key 2').fill('user');
    await page.getByLabel('Value 2').fill('app');
    await page.getByRole('button', { name: 'Create secret' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 1.' }).waitFor();
    assert.equal(await page.getByText('first-value').count(), 0, 'values stay hidden until asked for');
    await page.getByRole('button', { name: 'Show value of password' }).click();
    await page.getByText('first-value').waitFor();
    await check('kv-secret');

    await page.getByRole('button', { name: 'Create new version' }).click();
    await page.getByLabel('Value 1').fill('second-value');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 2.' }).waitFor();

    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByLabel('Compare version', { exact: true }).selectOption('1');
    await page.getByLabel('with version').selectOption('2');
    await page.getByRole('button', { name: 'Show differences' }).click();
    const diff = page.getByRole('figure').filter({ hasText: 'Changes from version 1 to version 2' });
    await diff.waitFor();
    const text = (await diff.textContent()) ?? '';
    assert.match(text, /- password: "first-value"/);
    assert.match(text, /\+ password: "second-value"/);
    assert.doesNotMatch(text, /[-+] user:/, 'an unchanged key is not marked');
    await check('kv-diff');
  });

  it('explains a check-and-set conflict', async () => {
    const { page } = browser;
    await page.getByRole('tab', { name: 'Data', exact: true }).click();
    await page.getByRole('button', { name: 'Create new version' }).click();
    // Someone else saves version 3 meanwhile.
    const res = await fetch(`${server.address}/v1/secret/data/app/config`, { method: 'POST', headers: { 'X-Vault-Token': rootToken }, body: JSON.stringify({ data: { password: 'other' } }) });
    assert.equal(res.status, 200);
    await page.getByLabel('Value 1').fill('mine');
    await page.getByRole('button', { name: 'Save new version' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'check-and-set' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Someone saved a newer version/);
    await check('kv-cas-conflict');
    await page.getByRole('button', { name: 'Discard my changes and reload the secret' }).click();
    await page.getByRole('button', { name: 'Show value of password' }).click();
    await page.getByText('other', { exact: true }).waitFor();
  });

  it('shows server validation errors for a policy, saves a valid one and tests a capability', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Policies' }).click();
    await heading('ACL policies').waitFor();
    await page.getByLabel('New policy name').fill('app-reader');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await heading('Policy app-reader').waitFor();
    const editor = page.getByLabel('Policy (HCL)');
    await editor.fill('path "secret/data/app/*" {\n  capabilities = ["read", "fly"]\n}\n');
    await page.getByRole('button', { name: 'Save policy' }).click();
    const error = page.getByRole('alert');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /HTTP 400/);
    await editor.fill('# Reads the app folder.\npath "secret/data/app/*" {\n  capabilities = ["read"]\n}\n');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Policy app-reader saved.' }).waitFor();
    assert.ok((await page.locator('.code-editor .tok-keyword').count()) >= 2, 'the HCL is highlighted');
    await check('policy-editor');
  });

  it('creates a token with the policy and tests its capabilities', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Access' }).click();
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByLabel('Policies').fill('app-reader');
    await page.getByLabel('TTL').fill('1h');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.locator('.one-time', { hasText: 'Token' }).first().locator('code');
    await shown.waitFor();
    limitedToken = (await shown.textContent()) ?? '';
    assert.ok(limitedToken.length > 10);
    await check('access-tokens');

    await page.getByRole('link', { name: 'Policies' }).click();
    await heading('ACL policies').waitFor();
    await page.getByLabel('Path').fill('secret/data/app/config');
    await page.getByLabel('For').selectOption('token');
    await page.getByLabel('Token', { exact: true }).fill(limitedToken);
    await page.getByRole('button', { name: 'Test capabilities' }).click();
    const result = page.locator('.capabilities');
    await result.waitFor();
    assert.match((await result.textContent()) ?? '', /Capabilities on secret\/data\/app\/config:\s*read$/);
    await page.getByLabel('Path').fill('sys/mounts');
    await page.getByRole('button', { name: 'Test capabilities' }).click();
    await page.locator('.capabilities', { hasText: 'sys/mounts' }).waitFor();
    assert.match((await page.locator('.capabilities').textContent()) ?? '', /deny/);
    await check('policies-capabilities');
  });

  it('registers a plugin, mounts it and reloads it with per-node status', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Plugins' }).click();
    await heading('Plugins').waitFor();
    await page.getByRole('button', { name: 'Register a plugin' }).click();
    await page.getByLabel('Name', { exact: true }).fill('ui-kv');
    await page.getByLabel('Command').fill('kv-secrets-v1');
    await page.getByLabel('SHA-256').fill(pluginSha);
    await page.getByLabel('Version', { exact: true }).fill('v1.0.0');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Registered secret plugin ui-kv v1.0.0.' }).waitFor();
    await page.getByRole('cell', { name: 'ui-kv', exact: true }).first().waitFor();

    await page.getByRole('link', { name: 'Secrets engines' }).click();
    await page.getByRole('button', { name: 'Enable a secrets engine' }).click();
    await page.getByLabel('Type').selectOption('other');
    await page.getByLabel('Plugin name').fill('ui-kv');
    await page.getByLabel('Path', { exact: true }).fill('ext');
    await page.getByLabel('Plugin version').fill('v1.0.0');
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Enabled ext/' }).waitFor();

    await page.getByRole('link', { name: 'Plugins' }).click();
    await page.getByRole('cell', { name: 'ext/' }).waitFor();
    await page.getByRole('button', { name: 'Reload', exact: true }).click();
    const results = page.getByRole('table', { name: 'Per-node results' });
    await results.waitFor();
    assert.match((await results.textContent()) ?? '', /Reloaded/);
    await check('plugins');
  });

  it('runs the tools', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('link', { name: 'Random bytes' }).click();
    await page.getByLabel('Format').selectOption('hex');
    await page.getByRole('button', { name: 'Generate' }).click();
    const value = (await page.locator('.one-time code').textContent()) ?? '';
    assert.match(value, /^[0-9a-f]{64}$/);
    await check('tools-random');
    await page.getByRole('link', { name: 'Wrap', exact: true }).click();
    await page.getByRole('button', { name: 'Wrap', exact: true }).click();
    const wrapped = (await page.locator('.one-time code').textContent()) ?? '';
    await page.getByRole('link', { name: 'Unwrap' }).click();
    await page.getByRole('textbox', { name: 'Wrapping token' }).fill(wrapped);
    await page.getByRole('button', { name: 'Unwrap' }).click();
    await page.getByRole('figure').filter({ hasText: '"key": "value"' }).waitFor();
    await check('tools-unwrap');
  });

  it('enables userpass and adds a user', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Access' }).click();
    await heading('Access').waitFor();
    await page.getByRole('button', { name: 'Enable method' }).click();
    await page.getByRole('status').filter({ hasText: 'Enabled userpass at auth/userpass/' }).waitFor();
    await check('access-methods');
    await page.getByRole('link', { name: 'Userpass users' }).click();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByLabel('Policies').fill('app-reader');
    await page.getByRole('button', { name: 'Save user' }).click();
    await page.getByRole('status').filter({ hasText: 'User alice saved.' }).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'alice' }).waitFor();
    await check('access-userpass');
  });

  it('logs out, logs in with the limited token and shows a permission-denied page', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Log out' }).click();
    await heading('Log in to Coffer').waitFor();
    assert.equal(await storedToken(page, 'sessionStorage'), null, 'logging out forgets the token');
    await page.getByRole('textbox', { name: 'Token' }).fill(limitedToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Logging in again returns to the page that was open.
    await heading('Access').waitFor();
    await page.getByRole('link', { name: 'Secrets engines' }).click();
    await heading('Secrets engines').waitFor();
    await page.getByRole('heading', { name: 'Permission denied' }).waitFor();
    assert.match((await page.locator('.denied').textContent()) ?? '', /What to do/);
    await check('permission-denied');
    // Its own secret is readable.
    await page.goto(ui('kv/secret/app/config'));
    await page.getByRole('button', { name: 'Show value of password' }).click();
    await page.getByText('other').waitFor();
  });

  it('ends the session when the token is revoked', async () => {
    const { page } = browser;
    const res = await fetch(`${server.address}/v1/auth/token/revoke`, { method: 'POST', headers: { 'X-Vault-Token': rootToken }, body: JSON.stringify({ token: limitedToken }) });
    assert.equal(res.status, 204);
    await page.getByRole('link', { name: 'Policies' }).click();
    await heading('Log in to Coffer').waitFor();
    await page.getByText('Your token has expired or was revoked').waitFor();
    assert.equal(await storedToken(page, 'sessionStorage'), null);
    assert.equal(await page.getByRole('textbox', { name: 'Token' }).count(), 1, 'the last login method (token) is remembered');
  });

  it('logs in with userpass using the keyboard only, and remembers the method', async () => {
    const { page } = browser;
    await page.getByRole('radio', { name: 'Token' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('radio', { name: 'Username' }).isChecked(), true);
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), 'Mount path');
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), 'Username');
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), 'Password');
    await page.keyboard.type('correct horse');
    await page.keyboard.press('Enter');
    // Back on the page that was open (Policies), which alice may not list.
    await heading('ACL policies').waitFor();
    await page.getByRole('heading', { name: 'Permission denied' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await heading('Log in to Coffer').waitFor();
    assert.equal(await page.getByRole('radio', { name: 'Username' }).isChecked(), true, 'the last method is remembered');
    await page.getByRole('textbox', { name: 'Username' }).waitFor();
    await check('login-userpass');
  });

  it('creates an AppRole role and secret ID, then logs in with them', async () => {
    const { page } = browser;
    await page.getByRole('radio', { name: 'Token' }).check();
    await page.getByRole('textbox', { name: 'Token' }).fill(rootToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Access' }).click();
    await page.getByLabel('Type').selectOption('approle');
    await page.getByRole('button', { name: 'Enable method' }).click();
    await page.getByRole('status').filter({ hasText: 'Enabled approle at auth/approle/' }).waitFor();
    await page.getByRole('link', { name: 'AppRole roles' }).click();
    await page.getByLabel('Role name').fill('ci');
    await page.getByLabel('Policies').fill('app-reader');
    await page.getByRole('button', { name: 'Save role' }).click();
    await page.getByRole('button', { name: 'ci', exact: true }).click();
    const roleId = (await page.locator('.one-time', { hasText: 'Role ID' }).locator('code').textContent()) ?? '';
    await page.getByRole('button', { name: 'Generate a secret ID' }).click();
    const secretId = (await page.locator('.one-time', { hasText: 'Secret ID' }).locator('code').textContent()) ?? '';
    assert.ok(roleId.length > 10 && secretId.length > 10);
    await page.locator('.listing code').first().waitFor();
    await check('access-approle');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('radio', { name: 'AppRole' }).check();
    await page.getByLabel('Role ID').fill(roleId);
    await page.getByLabel('Secret ID').fill(secretId);
    await page.getByRole('button', { name: 'Log in' }).click();
    await heading('Access').waitFor();
    await page.getByRole('heading', { name: 'Permission denied' }).waitFor();
    await page.goto(ui('kv/secret/app/config'));
    await page.getByRole('button', { name: 'Show value of password' }).waitFor();
  });

  it('serves the app with its security and caching headers', async () => {
    const index = await fetch(ui('some/deep/route'));
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<div id="root">/);
    const csp = index.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(index.headers.get('x-frame-options'), 'DENY');
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await (await fetch(ui())).text();
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'index.html loads a hashed script');
    const asset = await fetch(server.address + script);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /max-age=31536000, immutable/);
    assert.equal((await fetch(ui('assets/missing-abc.js'))).status, 404);
    assert.deepEqual(checked.length >= 12, true, `every page was checked: ${checked.join(', ')}`);
  });
});
