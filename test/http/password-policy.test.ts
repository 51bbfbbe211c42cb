import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

const POLICY = 'length = 30\nrule "charset" {\n  charset = "abcdef"\n  min-chars = 2\n}\nrule "charset" {\n  charset = "0123456789"\n  min-chars = 5\n}\n';

describe('sys/policies/password', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
  });
  after(() => s.close());

  it('writes, reads, lists, generates and deletes a policy', async () => {
    assert.equal((await s.request('PUT', 'sys/policies/password/hex', { policy: POLICY })).status, 204);
    const read = await s.request('GET', 'sys/policies/password/hex');
    assert.equal(read.status, 200);
    assert.equal(read.body.data.policy, POLICY);
    assert.deepEqual((await s.request('LIST', 'sys/policies/password')).body.data.keys, ['hex']);
    const a = await s.request('GET', 'sys/policies/password/hex/generate');
    const b = await s.request('GET', 'sys/policies/password/hex/generate');
    assert.equal(a.status, 200);
    assert.match(a.body.data.password, /^[a-f0-9]{30}$/);
    assert.ok((a.body.data.password.match(/[0-9]/g) ?? []).length >= 5);
    assert.notEqual(a.body.data.password, b.body.data.password);
    // Base64 text, as the CLI may send it.
    assert.equal((await s.request('PUT', 'sys/policies/password/b64', { policy: Buffer.from(POLICY).toString('base64') })).status, 204);
    assert.equal((await s.request('GET', 'sys/policies/password/b64')).body.data.policy, POLICY);
    assert.equal((await s.request('DELETE', 'sys/policies/password/hex')).status, 204);
    assert.equal((await s.request('GET', 'sys/policies/password/hex')).status, 404);
  });

  it('refuses a bad policy with the reason and keeps the old one', async () => {
    assert.equal((await s.request('PUT', 'sys/policies/password/keep', { policy: POLICY })).status, 204);
    const bad = await s.request('PUT', 'sys/policies/password/keep', { policy: 'length = 3\nrule "charset" {\n charset = "ab"\n}' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0], /invalid password policy: length must be between 4/);
    assert.equal((await s.request('GET', 'sys/policies/password/keep')).body.data.policy, POLICY);
    const missing = await s.request('GET', 'sys/policies/password/nosuch/generate');
    assert.equal(missing.status, 400);
    assert.match(missing.body.errors[0], /password policy "nosuch" does not exist/);
  });
});
