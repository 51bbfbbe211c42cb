// Without HA (inmem storage) a server is always active: the HA endpoints say so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('HA endpoints on a single node', () => {
  let server: InProcessServer;
  before(async () => {
    server = await startInProcessServer();
  });
  after(() => server?.close());

  it('sys/leader, sys/health, sys/ha-status and sys/step-down', async () => {
    const leader = await server.request('GET', 'sys/leader', undefined, { token: null });
    assert.equal(leader.body.ha_enabled, false);
    assert.equal((await server.request('GET', 'sys/health', undefined, { token: null })).status, 200);
    const status = await server.request('GET', 'sys/ha-status');
    assert.equal(status.status, 200);
    assert.equal(status.body.data.nodes.length, 1);
    assert.equal(status.body.data.nodes[0].active_node, true);
    // Nothing to hand over to: a no-op, as in Vault; sudo is still needed.
    assert.equal((await server.request('PUT', 'sys/step-down')).status, 204);
    const created = await server.request('POST', 'auth/token/create', { policies: ['default'] });
    assert.equal((await server.request('PUT', 'sys/step-down', undefined, { token: created.body.auth.client_token })).status, 403);
    // Still active and serving.
    assert.equal((await server.request('GET', 'sys/health', undefined, { token: null })).status, 200);
  });
});
