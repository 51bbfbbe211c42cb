// The mount boundary for built-in engines: what the real built-in kv
// receives from the router (observed by wrapping its handleRequest from a
// test module), for the request path through HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Request } from '@coffer/sdk';
import type { CoreModule } from '@coffer/server/core/modules/module.js';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('the mount boundary for a built-in engine', () => {
  const seen: Request[] = [];
  /** Records every request the built-in backends of kv mounts receive. */
  const spy: CoreModule = {
    name: 'spy',
    needs: ['router', 'mounts'],
    build: (ctx) => ({
      start: async () => {
        for (const route of ctx.get('router').all()) {
          if (route.entry.type !== 'kv') continue;
          const backend = route.backend;
          const handle = backend.handleRequest.bind(backend);
          backend.handleRequest = async (req) => (seen.push(req), handle(req));
        }
      },
    }),
  };
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer({ modules: [spy] });
    assert.equal((await s.request('POST', 'sys/mounts/other', { type: 'kv', options: { version: '2' }, config: { passthrough_request_headers: ['X-Custom', 'X-Vault-Token'] } })).status, 204);
    // Re-run the spy's start over the new mount too.
    await s.core.seal.seal();
    await s.core.seal.submitUnsealKey({ key: s.unsealKey });
  });
  after(() => s.close());

  test('the built-in kv never sees the token or the auth headers; each mount sees its own salted form', async () => {
    const headers = { 'X-Custom': 'c', Authorization: 'Bearer x' };
    assert.equal((await s.request('POST', 'secret/data/a', { data: { v: 1 } }, { headers })).status, 200);
    assert.equal((await s.request('POST', 'other/data/a', { data: { v: 1 } }, { headers })).status, 200);
    const [secret, other] = [seen.find((r) => r.mountPoint === 'secret/')!, seen.find((r) => r.mountPoint === 'other/')!];
    for (const req of [secret, other]) {
      assert.match(req.clientToken, /^[0-9a-f]{64}$/);
      assert.notEqual(req.clientToken, s.rootToken);
      assert.equal(req.headers['x-vault-token'], undefined);
      assert.equal(req.headers['authorization'], undefined);
    }
    assert.notEqual(secret.clientToken, other.clientToken);
    assert.deepEqual(secret.headers, {});
    assert.deepEqual(other.headers, { 'x-custom': ['c'] });
    assert.equal(secret.sudo, undefined, 'sudo is not set for an engine');
  });

  test('tune accepts both header lists and sys/mounts shows them', async () => {
    const tuned = await s.request('POST', 'sys/mounts/secret/tune', { passthrough_request_headers: ['X-A'], allowed_response_headers: ['X-B'] });
    assert.equal(tuned.status, 204, JSON.stringify(tuned.body));
    const tune = await s.request('GET', 'sys/mounts/secret/tune');
    assert.deepEqual([tune.body.data.passthrough_request_headers, tune.body.data.allowed_response_headers], [['X-A'], ['X-B']]);
  });
});
