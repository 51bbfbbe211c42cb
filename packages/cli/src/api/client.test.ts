import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeVault } from '../testing/fake-vault.js';
import { ApiClient } from './client.js';
import { clientOptions } from './config.js';
import { CurlStringCaptured, ResponseError, TransportError } from './errors.js';

describe('ApiClient', () => {
  const vault = new FakeVault();
  let client: ApiClient;

  before(async () => {
    await vault.start();
    client = new ApiClient(clientOptions({ VAULT_ADDR: vault.address, VAULT_TOKEN: 'tok' }));
  });
  after(() => vault.stop());

  it('sends the Vault headers and a JSON body', async () => {
    vault.on('PUT', 'secret/foo', { status: 204 });
    assert.equal(await client.write('secret/foo', { a: 'b' }), null);
    const req = vault.last();
    assert.equal(req.method, 'PUT');
    assert.equal(req.headers['x-vault-token'], 'tok');
    assert.equal(req.headers['x-vault-request'], 'true');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(req.body, { a: 'b' });
  });

  it('sends LIST as GET ?list=true', async () => {
    vault.on('GET', 'secret/', { body: { data: { keys: ['a'] } } });
    const secret = await client.list('secret/');
    assert.deepEqual(secret?.data?.keys, ['a']);
    assert.equal(vault.last().method, 'GET');
    assert.deepEqual(vault.last().query, { list: 'true' });
  });

  it('treats a 404 without data as "no value" on read', async () => {
    assert.equal(await client.read('nothing/here'), null);
    vault.on('GET', 'has/warnings', { status: 404, body: { warnings: ['gone'] } });
    assert.deepEqual((await client.read('has/warnings'))?.warnings, ['gone']);
  });

  it('formats API errors like Vault', async () => {
    vault.on('PUT', 'denied', { status: 403, body: { errors: ['permission denied'] } });
    await assert.rejects(client.write('denied', { a: 1 }), (err: Error) => {
      assert.ok(err instanceof ResponseError);
      assert.equal(err.statusCode, 403);
      assert.equal(
        err.message,
        `Error making API request.\n\nURL: PUT ${vault.address}/v1/denied\nCode: 403. Errors:\n\n* permission denied`,
      );
      return true;
    });
  });

  it('shows the raw body when the error is not JSON', async () => {
    vault.on('GET', 'broken', { status: 500, body: 'upstream exploded' });
    await assert.rejects(client.read('broken'), /Code: 500\. Raw Message:\n\nupstream exploded$/);
  });

  it('includes the query string in error URLs', async () => {
    vault.on('GET', 'sealed/', { status: 503, body: { errors: ['Vault is sealed'] } });
    await assert.rejects(client.list('sealed/'), (err: Error) => {
      assert.match(err.message, /URL: GET http:\/\/127\.0\.0\.1:\d+\/v1\/sealed\/\?list=true\n/);
      return true;
    });
  });

  it('sets X-Vault-Wrap-TTL when wrapping is requested, except for unwrap', async () => {
    const wrapping = new ApiClient(clientOptions({ VAULT_ADDR: vault.address }, { wrapTTL: '5m' }));
    vault.on('GET', 'wrapped', { body: { wrap_info: { token: 'w' } } });
    await wrapping.read('wrapped');
    assert.equal(vault.last().headers['x-vault-wrap-ttl'], '5m');
    assert.equal(vault.last().headers['x-vault-token'], undefined, 'no token configured, none sent');
    vault.on('PUT', 'sys/wrapping/unwrap', { body: { data: { x: 1 } } });
    await wrapping.unwrap('w');
    assert.equal(vault.last().headers['x-vault-wrap-ttl'], undefined);
    assert.deepEqual(vault.last().body, { token: 'w' });
  });

  it('follows 307 redirects', async () => {
    vault.on('GET', 'standby', { status: 307, headers: { Location: `${vault.address}/v1/active` } });
    vault.on('GET', 'active', { body: { data: { ok: true } } });
    assert.deepEqual((await client.read('standby'))?.data, { ok: true });
  });

  it('produces a cURL command instead of sending with -output-curl-string', async () => {
    const curl = new ApiClient(clientOptions({ VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_TOKEN: 'secret-token' }, { outputCurlString: true }));
    await assert.rejects(curl.write('secret/data/foo', { data: { a: "it's" } }), (err: Error) => {
      assert.ok(err instanceof CurlStringCaptured);
      assert.equal(
        err.curl,
        `curl -X PUT -H "X-Vault-Request: true" -H "X-Vault-Token: $(coffer print token)" -H "Content-Type: application/json" -d '{"data":{"a":"it'"'"'s"}}' http://127.0.0.1:8200/v1/secret/data/foo`,
      );
      assert.doesNotMatch(err.curl, /secret-token/);
      return true;
    });
  });

  it('reports connection failures the way Go does', async () => {
    const dead = new ApiClient(clientOptions({ VAULT_ADDR: 'http://127.0.0.1:1' }));
    await assert.rejects(dead.read('sys/health'), (err: Error) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.message, 'Get "http://127.0.0.1:1/v1/sys/health": dial tcp 127.0.0.1:1: connect: connection refused');
      return true;
    });
  });
});

describe('clientOptions', () => {
  it('defaults to https://127.0.0.1:8200 and reads VAULT_* variables', () => {
    const o = clientOptions({});
    assert.equal(o.address, 'https://127.0.0.1:8200');
    assert.equal(o.tls.skipVerify, false);
    const e = clientOptions({
      VAULT_ADDR: 'https://vault.example:8200/',
      VAULT_SKIP_VERIFY: 'true',
      VAULT_CACERT: '/ca.pem',
      VAULT_CAPATH: '/cas',
      VAULT_CLIENT_CERT: '/c.pem',
      VAULT_CLIENT_KEY: '/k.pem',
      VAULT_TOKEN: 't',
      VAULT_NAMESPACE: 'ignored',
    });
    assert.equal(e.address, 'https://vault.example:8200');
    assert.equal(e.tls.skipVerify, true);
    assert.deepEqual([e.tls.caCert, e.tls.caPath, e.tls.clientCert, e.tls.clientKey], ['/ca.pem', '/cas', '/c.pem', '/k.pem']);
    assert.equal(e.token, 't');
  });

  it('lets flags override the environment', () => {
    const o = clientOptions({ VAULT_ADDR: 'http://a:1', VAULT_SKIP_VERIFY: '1' }, { address: 'http://b:2', tlsSkipVerify: false, caCert: '/x' });
    assert.equal(o.address, 'http://b:2');
    assert.equal(o.tls.skipVerify, false);
    assert.equal(o.tls.caCert, '/x');
  });

  it('rejects unparsable settings', () => {
    assert.throws(() => clientOptions({ VAULT_SKIP_VERIFY: 'perhaps' }), /could not parse VAULT_SKIP_VERIFY/);
    assert.throws(() => clientOptions({ VAULT_ADDR: 'ftp://x' }), /Error parsing address/);
  });
});
