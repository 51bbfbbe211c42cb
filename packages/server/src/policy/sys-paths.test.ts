import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  CofferError,
  createBackend,
  InmemStorage,
  makeRequest,
  silentLogger,
  type Backend,
  type Operation,
  type Response,
} from '@coffer/sdk';
import { createPolicyStore, type PolicyStore } from './store.js';
import { policySysPaths } from './sys-paths.js';

const TEXT = 'path "secret/*" { capabilities = ["read"] }';

let store: PolicyStore;
let sys: Backend;

beforeEach(async () => {
  store = createPolicyStore({ storage: new InmemStorage(), logger: silentLogger });
  await store.setupDefaults();
  sys = createBackend({ type: 'logical', help: 'test sys', paths: policySysPaths(store) });
});

/** Send a request to the test sys backend (paths relative to "sys/"). */
function call(operation: Operation, path: string, data: Record<string, unknown> = {}): Promise<Response | null> {
  return sys.handleRequest(makeRequest({ operation, path, data, storage: new InmemStorage() }));
}

async function callError(operation: Operation, path: string, data: Record<string, unknown> = {}): Promise<CofferError> {
  try {
    await call(operation, path, data);
  } catch (err) {
    assert.ok(err instanceof CofferError);
    return err;
  }
  assert.fail(`expected ${operation} ${path} to fail`);
}

describe('sys/policy (legacy)', () => {
  it('lists under keys and policies, on read and list', async () => {
    for (const op of ['read', 'list'] as const) {
      const resp = await call(op, 'policy');
      assert.deepEqual(resp!.data, { keys: ['default', 'root'], policies: ['default', 'root'] });
    }
    assert.deepEqual((await call('list', 'policy/'))!.data!.keys, ['default', 'root']);
  });

  it('writes with "policy", reads back under "rules"', async () => {
    assert.equal(await call('update', 'policy/Dev', { policy: TEXT }), null);
    assert.deepEqual((await call('read', 'policy/dev'))!.data, { name: 'dev', rules: TEXT });
  });

  it('accepts the deprecated "rules" field with a warning', async () => {
    const resp = await call('update', 'policy/old', { rules: TEXT });
    assert.deepEqual(resp!.warnings, ["'rules' is deprecated, please use 'policy' instead"]);
    assert.equal((await store.get('old'))!.raw, TEXT);
  });

  it('reads root with empty rules', async () => {
    assert.deepEqual((await call('read', 'policy/root'))!.data, { name: 'root', rules: '' });
  });
});

describe('sys/policies/acl', () => {
  it('lists keys', async () => {
    await call('update', 'policies/acl/dev', { policy: TEXT });
    assert.deepEqual((await call('list', 'policies/acl'))!.data, { keys: ['default', 'dev', 'root'] });
  });

  it('writes, reads under "policy", deletes', async () => {
    await call('update', 'policies/acl/dev', { policy: TEXT });
    assert.deepEqual((await call('read', 'policies/acl/dev'))!.data, { name: 'dev', policy: TEXT });
    assert.equal(await call('delete', 'policies/acl/dev'), null);
    const err = await callError('read', 'policies/acl/dev');
    assert.equal(err.code, 'not_found');
    assert.deepEqual(err.errors, []);
  });

  it('accepts a base64-encoded policy and stores the decoded text', async () => {
    await call('update', 'policies/acl/b64', { policy: Buffer.from(TEXT).toString('base64') });
    assert.equal((await call('read', 'policies/acl/b64'))!.data!.policy, TEXT);
  });

  it('accepts JSON policies', async () => {
    const json = JSON.stringify({ path: { 'kv/*': { capabilities: ['list'] } } });
    await call('update', 'policies/acl/json', { policy: json });
    assert.deepEqual((await store.acl(['json'])).capabilities('kv/a'), ['list']);
  });

  it('refuses a missing policy, bad text, and changes to protected policies with 400', async () => {
    const cases: Array<[Operation, string, Record<string, unknown>, string | RegExp]> = [
      ['update', 'policies/acl/x', {}, "'policy' parameter not supplied or empty"],
      ['update', 'policies/acl/x', { policy: 'path "a" { capabilities = ["fly"] }' }, /^failed to parse policy: policy "x": path "a": invalid capability "fly"/],
      ['update', 'policies/acl/root', { policy: TEXT }, 'cannot update "root" policy'],
      ['delete', 'policies/acl/root', {}, 'cannot delete "root" policy'],
      ['delete', 'policy/default', {}, 'cannot delete default policy'],
    ];
    for (const [op, path, data, message] of cases) {
      const err = await callError(op, path, data);
      assert.equal(err.status, 400, `${op} ${path}`);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
    }
    assert.equal(await store.get('x'), null);
  });

  it('lets default be modified', async () => {
    await call('update', 'policies/acl/default', { policy: TEXT });
    assert.equal((await call('read', 'policies/acl/default'))!.data!.policy, TEXT);
  });
});
