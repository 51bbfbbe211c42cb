import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { customHeadersFor, withCustomResponseHeaders } from './custom-response-headers.js';
import { createUiServer } from './ui-static.js';

/** A throwaway "build" with an index, a hashed asset and a large file (to be gzipped). */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-ui-build-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/ui/assets/app-abc123.js"></script>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('UI static serving', () => {
  const dir = fakeBuild();
  let enabled: Awaited<ReturnType<typeof serve>>;
  let disabled: Awaited<ReturnType<typeof serve>>;
  const fallthrough = (res: http.ServerResponse) => res.writeHead(418).end('api');

  before(async () => {
    const ui = createUiServer({ enabled: true, dir });
    const off = createUiServer({ enabled: false, dir });
    enabled = await serve((req, res) => (ui(req, res) ? undefined : fallthrough(res)));
    disabled = await serve((req, res) => (off(req, res) ? undefined : fallthrough(res)));
  });
  after(async () => {
    await enabled.close();
    await disabled.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('redirects / and /ui to /ui/', async () => {
    for (const path of ['/', '/ui']) {
      const res = await fetch(enabled.url + path, { redirect: 'manual' });
      assert.equal(res.status, 307);
      assert.equal(res.headers.get('location'), '/ui/');
    }
  });

  it('serves index.html for the app routes, never cached, with the security headers', async () => {
    for (const path of ['/ui/', '/ui/kv/secret/app', '/ui/policies?x=1']) {
      const res = await fetch(enabled.url + path);
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /<div id="root">/);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe/);
    }
  });

  it('lets browsers keep hashed assets for good, gzipped when asked', async () => {
    const res = await fetch(`${enabled.url}/ui/assets/app-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.match(await res.text(), /^console\.log/);
    const icon = await fetch(`${enabled.url}/ui/favicon.svg`);
    assert.equal(icon.headers.get('cache-control'), 'no-cache', 'unhashed files are revalidated');
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
  });

  it('answers 404 for a missing asset or a path that climbs out, and 405 for writes', async () => {
    assert.equal((await fetch(`${enabled.url}/ui/assets/gone-123.js`)).status, 404);
    assert.equal((await fetch(`${enabled.url}/ui/..%2F..%2Fetc%2Fpasswd`)).status, 404);
    assert.equal((await fetch(`${enabled.url}/ui/%E0%A4%A`)).status, 404);
    const post = await fetch(`${enabled.url}/ui/`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  it('leaves other paths to the API handler', async () => {
    assert.equal((await fetch(`${enabled.url}/v1/sys/health`)).status, 418);
    assert.equal((await fetch(`${enabled.url}/uix`)).status, 418);
  });

  it('says how to turn the UI on when it is disabled', async () => {
    const res = await fetch(`${disabled.url}/ui/`);
    assert.equal(res.status, 404);
    assert.match(await res.text(), /set ui = true/);
    assert.equal((await fetch(`${disabled.url}/`, { redirect: 'manual' })).status, 404);
  });
});

describe('custom response headers', () => {
  const config = {
    default: { 'X-Default': 'd', 'X-Over': 'default' },
    '4xx': { 'X-Over': 'class' },
    '404': { 'X-Over': 'status' },
  };

  it('picks the status over its class over the default', () => {
    assert.deepEqual(customHeadersFor(config, 200), { 'X-Default': 'd', 'X-Over': 'default' });
    assert.deepEqual(customHeadersFor(config, 403), { 'X-Default': 'd', 'X-Over': 'class' });
    assert.deepEqual(customHeadersFor(config, 404), { 'X-Default': 'd', 'X-Over': 'status' });
  });

  it('adds them to every response, over the handler\'s own, whether or not writeHead is called', async () => {
    const handler = withCustomResponseHeaders((req, res) => {
      if (req.url === '/implicit') {
        res.statusCode = 404;
        res.end('x');
      } else res.writeHead(200, { 'x-over': 'handler', 'Content-Type': 'text/plain' }).end('ok');
    }, config);
    const s = await serve(handler as http.RequestListener);
    try {
      const ok = await fetch(`${s.url}/explicit`);
      assert.equal(ok.headers.get('x-over'), 'default');
      assert.equal(ok.headers.get('x-default'), 'd');
      assert.equal(ok.headers.get('content-type'), 'text/plain');
      const missing = await fetch(`${s.url}/implicit`);
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get('x-over'), 'status');
    } finally {
      await s.close();
    }
  });

  it('returns the handler untouched when none are configured', () => {
    const handler = () => undefined;
    assert.equal(withCustomResponseHeaders(handler, undefined), handler);
    assert.equal(withCustomResponseHeaders(handler, {}), handler);
  });
});
