import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

const HCL = `
# readers of the app tree
path "secret/data/app/*" {
  capabilities = ["read", "list"]
}
`;

const JSON_POLICY = JSON.stringify({ path: { 'secret/data/json/*': { capabilities: ['read'] } } });

describe('sys/policies/acl over HTTP', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
  });
  after(async () => {
    await s.close();
  });

  it('writes, reads, lists and deletes an HCL policy', async () => {
    assert.equal((await s.request('PUT', 'sys/policies/acl/app-reader', { policy: HCL })).status, 204);
    const read = await s.request('GET', 'sys/policies/acl/app-reader');
    assert.equal(read.status, 200);
    assert.equal(read.body.data.name, 'app-reader');
    assert.equal(read.body.data.policy, HCL);
    const list = await s.request('LIST', 'sys/policies/acl');
    assert.equal(list.status, 200);
    assert.ok(list.body.data.keys.includes('app-reader'));
    assert.ok(list.body.data.keys.includes('default'));
    assert.ok(list.body.data.keys.includes('root'));
    assert.deepEqual((await s.request('GET', 'sys/policies/acl?list=true')).body.data.keys, list.body.data.keys);
    assert.equal((await s.request('DELETE', 'sys/policies/acl/app-reader')).status, 204);
    assert.equal((await s.request('GET', 'sys/policies/acl/app-reader')).status, 404);
    assert.ok(!(await s.request('LIST', 'sys/policies/acl')).body.data.keys.includes('app-reader'));
  });

  it('accepts JSON policies and base64-encoded text', async () => {
    assert.equal((await s.request('PUT', 'sys/policies/acl/json-reader', { policy: JSON_POLICY })).status, 204);
    assert.equal((await s.request('POST', 'secret/data/json/x', { data: { v: 1 } })).status, 200);
    const t = await s.request('POST', 'auth/token/create', { policies: ['json-reader'] });
    assert.equal((await s.request('GET', 'secret/data/json/x', undefined, { token: t.body.auth.client_token })).status, 200);
    assert.equal((await s.request('GET', 'secret/data/other', undefined, { token: t.body.auth.client_token })).status, 403);

    const b64 = Buffer.from('path "secret/data/b64/*" { capabilities = ["read"] }').toString('base64');
    assert.equal((await s.request('PUT', 'sys/policies/acl/b64', { policy: b64 })).status, 204);
    const read = await s.request('GET', 'sys/policies/acl/b64');
    assert.match(read.body.data.policy, /secret\/data\/b64/);
  });

  it('lower-cases names', async () => {
    assert.equal((await s.request('PUT', 'sys/policies/acl/MixedCase', { policy: HCL })).status, 204);
    const read = await s.request('GET', 'sys/policies/acl/mixedcase');
    assert.equal(read.status, 200);
    assert.equal(read.body.data.name, 'mixedcase');
  });

  it('refuses invalid policies and writes nothing', async () => {
    const bad = await s.request('PUT', 'sys/policies/acl/broken', { policy: 'path "x" { capabilities = ["fly"] }' });
    assert.equal(bad.status, 400);
    const syntax = await s.request('PUT', 'sys/policies/acl/broken', { policy: 'path "x" { capabilities = ' });
    assert.equal(syntax.status, 400);
    const empty = await s.request('PUT', 'sys/policies/acl/broken', {});
    assert.equal(empty.status, 400);
    assert.equal((await s.request('GET', 'sys/policies/acl/broken')).status, 404);
  });

  it('protects root and default', async () => {
    assert.equal((await s.request('PUT', 'sys/policies/acl/root', { policy: HCL })).status, 400);
    assert.equal((await s.request('DELETE', 'sys/policies/acl/root')).status, 400);
    assert.equal((await s.request('DELETE', 'sys/policies/acl/default')).status, 400);
    assert.equal((await s.request('GET', 'sys/policies/acl/default')).status, 200);
    assert.equal((await s.request('PUT', 'sys/policies/acl/response-wrapping', { policy: HCL })).status, 400);
    // default may be rewritten.
    const original = (await s.request('GET', 'sys/policies/acl/default')).body.data.policy;
    assert.equal((await s.request('PUT', 'sys/policies/acl/default', { policy: original + '\npath "secret/data/extra" { capabilities = ["read"] }\n' })).status, 204);
    assert.match((await s.request('GET', 'sys/policies/acl/default')).body.data.policy, /secret\/data\/extra/);
  });

  it('a policy change applies to existing tokens at once', async () => {
    assert.equal((await s.request('POST', 'secret/data/live/x', { data: { v: 1 } })).status, 200);
    assert.equal((await s.request('PUT', 'sys/policies/acl/live', { policy: 'path "secret/data/nothing" { capabilities = ["read"] }' })).status, 204);
    const t = await s.request('POST', 'auth/token/create', { policies: ['live'] });
    const token = t.body.auth.client_token;
    assert.equal((await s.request('GET', 'secret/data/live/x', undefined, { token })).status, 403);
    assert.equal((await s.request('PUT', 'sys/policies/acl/live', { policy: 'path "secret/data/live/*" { capabilities = ["read"] }' })).status, 204);
    assert.equal((await s.request('GET', 'secret/data/live/x', undefined, { token })).status, 200);
    assert.equal((await s.request('DELETE', 'sys/policies/acl/live')).status, 204);
    assert.equal((await s.request('GET', 'secret/data/live/x', undefined, { token })).status, 403);
  });
});

describe('legacy sys/policy over HTTP', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
  });
  after(async () => {
    await s.close();
  });

  it('write with policy or rules, read as rules, list with policies and keys', async () => {
    assert.equal((await s.request('PUT', 'sys/policy/legacy', { policy: HCL })).status, 204);
    const viaRules = await s.request('PUT', 'sys/policy/legacy2', { rules: HCL });
    assert.ok(viaRules.status === 200 || viaRules.status === 204);
    const read = await s.request('GET', 'sys/policy/legacy');
    assert.equal(read.status, 200);
    assert.equal(read.body.data.name, 'legacy');
    assert.equal(read.body.data.rules, HCL);
    assert.equal((await s.request('GET', 'sys/policy/legacy2')).body.data.rules, HCL);
    const list = await s.request('GET', 'sys/policy');
    assert.equal(list.status, 200);
    assert.ok(list.body.data.policies.includes('legacy'));
    assert.deepEqual(list.body.data.keys, list.body.data.policies);
    assert.deepEqual(list.body.policies, list.body.data.policies, 'legacy top-level key');
    // Both families see the same store.
    assert.equal((await s.request('GET', 'sys/policies/acl/legacy')).body.data.policy, HCL);
    assert.equal((await s.request('DELETE', 'sys/policy/legacy')).status, 204);
    assert.equal((await s.request('GET', 'sys/policy/legacy')).status, 404);
    assert.equal((await s.request('DELETE', 'sys/policy/root')).status, 400);
  });

  it('managing policies needs a policy that allows it', async () => {
    await s.request('PUT', 'sys/policies/acl/policy-reader', { policy: 'path "sys/policies/acl/*" { capabilities = ["read", "list"] }' });
    const t = await s.request('POST', 'auth/token/create', { policies: ['policy-reader'] });
    const token = t.body.auth.client_token;
    assert.equal((await s.request('GET', 'sys/policies/acl/default', undefined, { token })).status, 200);
    assert.equal((await s.request('PUT', 'sys/policies/acl/escalate', { policy: 'path "*" { capabilities = ["sudo", "read"] }' }, { token })).status, 403);
    assert.equal((await s.request('GET', 'sys/policies/acl/escalate')).status, 404);
  });
});
