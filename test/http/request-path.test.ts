// The path a client sends is the path the ACL sees: no silent normalisation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

/** node:http sends the target exactly as given (fetch would resolve dot segments itself). */
function rawRequest(address: string, method: string, target: string, token: string): Promise<{ status: number; body: any }> {
  const url = new URL(address);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: target, headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(method === 'GET' ? undefined : '{}');
  });
}

describe('request paths', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
  });
  after(async () => {
    await s.close();
  });

  it('refuses ".." segments instead of resolving them, and nothing happens', async () => {
    const res = await rawRequest(s.address, 'POST', '/v1/secret/data/../../sys/seal', s.rootToken);
    assert.equal(res.status, 400);
    assert.match(res.body.errors[0], /"\." and "\.\." segments are not allowed/);
    const encoded = await rawRequest(s.address, 'GET', '/v1/secret/data/%2e%2e/x', s.rootToken);
    assert.equal(encoded.status, 400);
    // Climbing out of /v1/ itself is refused the same way, not resolved to another path.
    const escaping = await rawRequest(s.address, 'GET', '/v1/a/../../sys/mounts', s.rootToken);
    assert.equal(escaping.status, 400);
    const status = await s.request('GET', 'sys/seal-status', undefined, { token: null });
    assert.equal(status.body.sealed, false);
  });

  it('malformed percent-encoding is a 400, not a 500', async () => {
    const res = await rawRequest(s.address, 'GET', '/v1/sys/policy/%ff', s.rootToken);
    assert.equal(res.status, 400);
    assert.match(res.body.errors[0], /percent-encoding/);
  });

  it('an absolute-form request target works like the usual form', async () => {
    const res = await rawRequest(s.address, 'GET', `${s.address}/v1/sys/mounts`, s.rootToken);
    assert.equal(res.status, 200);
    assert.equal(res.body.data['secret/'].type, 'kv');
  });

  it('percent-encoded names still reach the backend decoded', async () => {
    assert.equal((await s.request('POST', 'secret/data/with%20space', { data: { a: '1' } })).status, 200);
    const read = await s.request('GET', 'secret/data/with space');
    assert.equal(read.status, 200);
    assert.equal(read.body.data.data.a, '1');
  });
});

describe('mount tuning input', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
  });
  after(async () => {
    await s.close();
  });

  it('a negative lease TTL is refused and the mount keeps its settings', async () => {
    const res = await s.request('POST', 'sys/mounts/secret/tune', { max_lease_ttl: '-5h' });
    assert.equal(res.status, 400);
    assert.match(res.body.errors[0], /cannot be negative/);
    const tune = await s.request('GET', 'sys/mounts/secret/tune');
    assert.equal(tune.body.data.max_lease_ttl, 768 * 3600);
  });
});
