// A configured server with ui = true and a second listener carrying
// custom_response_headers: the UI, its redirect and the API all get the
// listener's headers, the configured CSP replaces the UI's own, and the
// listener without them is untouched.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { freePort, sqliteServerConfig, startCoffer } from '../support/coffer-process.js';

test('ui = true serves the UI; custom_response_headers reach UI, redirect and API responses of their listener only', async () => {
  const [port, customPort] = [await freePort(), await freePort()];
  const cfg = sqliteServerConfig(
    port,
    `ui = true
listener "tcp" {
  address = "127.0.0.1:${customPort}"
  tls_disable = true
  custom_response_headers {
    "default" = { "Strict-Transport-Security" = ["max-age=31536000", "includeSubDomains"], "Content-Security-Policy" = ["default-src 'self'"] }
    "307" = { "X-Redirected" = ["yes"] }
    "4xx" = { "X-Client-Error" = ["true"] }
  }
}
`,
  );
  const server = await startCoffer(['server', `-config=${cfg.configPath}`], port);
  const custom = `http://127.0.0.1:${customPort}`;
  try {
    const page = await fetch(`${custom}/ui/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
    assert.equal(page.headers.get('content-security-policy'), "default-src 'self'", 'the configured CSP replaces the default');
    assert.equal(page.headers.get('x-frame-options'), 'DENY', 'the other defaults stay');

    const redirect = await fetch(`${custom}/`, { redirect: 'manual' });
    assert.equal(redirect.status, 307);
    assert.equal(redirect.headers.get('location'), '/ui/');
    assert.equal(redirect.headers.get('x-redirected'), 'yes');
    assert.equal(redirect.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');

    const api = await fetch(`${custom}/v1/sys/seal-status`);
    assert.equal(api.status, 200);
    assert.equal(api.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
    assert.equal(api.headers.get('x-client-error'), null);
    const missing = await fetch(`${custom}/no-such-page`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('x-client-error'), 'true');

    const plain = await fetch(`${server.address}/ui/`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('strict-transport-security'), null, 'the first listener has no custom headers');
    assert.match(plain.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  } finally {
    await server.stop();
    rmSync(cfg.dir, { recursive: true, force: true });
  }
});
