import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../../api/client.js';
import { clientOptions } from '../../api/config.js';
import { Logger } from '../logger.js';
import { LeaseCache, requestKey } from './lease-cache.js';

function response(body: unknown, status = 200) {
  return { status, headers: {}, body: Buffer.from(JSON.stringify(body)) };
}

function cache(): LeaseCache {
  // Entries live an hour: no renewal timer fires during the test, so the client is never used.
  const client = new ApiClient(clientOptions({ VAULT_ADDR: 'http://127.0.0.1:1' }));
  return new LeaseCache(client, new Logger('error', 'test', () => undefined));
}

const tokenResponse = (token: string, accessor: string) => response({ auth: { client_token: token, accessor, lease_duration: 3600, renewable: true } });

describe('lease cache', () => {
  it('caches only responses with a lease or a token', () => {
    const c = cache();
    assert.equal(c.store('k1', 'secret/data/x', 'root', response({ data: { a: 1 }, lease_duration: 0 })), false);
    assert.equal(c.store('k2', 'db/creds/r', 'root', response({ lease_id: 'db/creds/r/1', lease_duration: 3600, renewable: true, data: {} })), true);
    assert.equal(c.store('k3', 'auth/token/create', 'root', tokenResponse('t1', 'a1')), true);
    assert.equal(c.store('k4', 'db/creds/r', 'root', response({ errors: ['x'] }, 400)), false);
    assert.equal(c.size, 2);
    c.clear();
  });

  it('revoking a token evicts its whole tree: tokens it created and their leases', () => {
    const c = cache();
    c.store('parent', 'auth/token/create', 'root', tokenResponse('parent-token', 'pa'));
    c.store('child', 'auth/token/create', 'parent-token', tokenResponse('child-token', 'ca'));
    c.store('lease', 'db/creds/r', 'child-token', response({ lease_id: 'db/creds/r/2', lease_duration: 3600, renewable: true }));
    c.store('other', 'auth/token/create', 'root', tokenResponse('other-token', 'oa'));
    assert.equal(c.evictToken('parent-token', 'test'), 3);
    assert.equal(c.size, 1);
    assert.ok(c.get('other'));
    c.clear();
  });

  it('request keys differ by method, path, body and token', () => {
    const base = requestKey('PUT', '/v1/auth/token/create', Buffer.from('{}'), 't');
    assert.equal(base, requestKey('PUT', '/v1/auth/token/create', Buffer.from('{}'), 't'));
    assert.notEqual(base, requestKey('POST', '/v1/auth/token/create', Buffer.from('{}'), 't'));
    assert.notEqual(base, requestKey('PUT', '/v1/auth/token/create', Buffer.from('{"a":1}'), 't'));
    assert.notEqual(base, requestKey('PUT', '/v1/auth/token/create', Buffer.from('{}'), 'u'));
  });
});
