// The mount boundary, end to end: neither a built-in engine nor an external
// plugin process ever receives the client's token or the token headers; a
// request header reaches a backend only when its mount passes it through;
// a response header comes back only when its mount allows it; and the same
// token looks different to every mount.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { installFixture, startPluginServer, type PluginTestServer } from './support/external-kv.js';

const SENT_HEADERS = { 'X-Custom': 'custom-value', 'X-Other': 'other-value', Authorization: 'Bearer leaked?' };

describe('the mount boundary', () => {
  let server: PluginTestServer;
  before(async () => {
    server = await startPluginServer();
    const sha256 = await installFixture(server.pluginDir, 'echo-plugin', 'echo');
    assert.equal((await server.request('PUT', 'sys/plugins/catalog/secret/echo', { sha256, command: 'echo' })).status, 204);
    // Both options at enable time (as `secrets enable -passthrough-request-headers=… -allowed-response-headers=…`).
    const enabled = await server.request('POST', 'sys/mounts/echo-a', { type: 'echo', config: { passthrough_request_headers: ['X-Custom', 'Authorization', 'X-Vault-Token'], allowed_response_headers: ['X-Echo-Allowed'] } });
    assert.equal(enabled.status, 204, JSON.stringify(enabled.body));
    assert.equal((await server.request('POST', 'sys/mounts/echo-b', { type: 'echo' })).status, 204);
  });
  after(() => server.close());

  const echo = async (mount: string) => {
    const res = await server.request('GET', `${mount}/anything`, undefined, { headers: SENT_HEADERS });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { data: res.body.data as { client_token: string; headers: Record<string, string[]> }, headers: res.headers };
  };

  test('an external plugin gets a salted token, only passed-through headers, and returns only allowed headers', async () => {
    const a = await echo('echo-a');
    assert.notEqual(a.data.client_token, server.rootToken);
    assert.ok(!a.data.client_token.includes(server.rootToken), 'not even part of the token crosses');
    assert.match(a.data.client_token, /^[0-9a-f]{64}$/);
    assert.deepEqual(a.data.headers, { 'x-custom': ['custom-value'] }, 'Authorization and X-Vault-Token never cross, even when listed');
    assert.equal(a.headers.get('x-echo-allowed'), 'yes');
    assert.equal(a.headers.get('x-echo-dropped'), null);

    const b = await echo('echo-b');
    assert.deepEqual(b.data.headers, {}, 'nothing passes through by default');
    assert.equal(b.headers.get('x-echo-allowed'), null, 'no response header is allowed by default');
    assert.notEqual(b.data.client_token, a.data.client_token, 'each mount sees its own form of the token');
    assert.equal((await echo('echo-a')).data.client_token, a.data.client_token, 'and the same form every time');
  });

  test('tuning changes what crosses, at once', async () => {
    const tuned = await server.request('POST', 'sys/mounts/echo-b/tune', { passthrough_request_headers: ['X-Other'], allowed_response_headers: ['X-Echo-Dropped'] });
    assert.equal(tuned.status, 204, JSON.stringify(tuned.body));
    const b = await echo('echo-b');
    assert.deepEqual(b.data.headers, { 'x-other': ['other-value'] });
    assert.equal(b.headers.get('x-echo-dropped'), 'no');
    assert.equal(b.headers.get('x-echo-allowed'), null);
  });
});
