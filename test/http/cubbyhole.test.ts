// The cubbyhole engine over real HTTP: each token's private storage, gone
// with the token. Storage is inspected through the barrier of the server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageView, type Storage } from '@coffer/sdk';
import { cubbyholePrefix } from '@coffer/builtin';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

let server: InProcessServer;

before(async () => {
  server = await startInProcessServer();
});

after(async () => {
  await server.close();
});

interface Token {
  id: string;
  accessor: string;
}

async function createToken(body: Record<string, unknown> = {}, parent?: string): Promise<Token> {
  const res = await server.request('POST', 'auth/token/create', { policies: ['default'], ...body }, parent ? { token: parent } : {});
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { id: res.body.auth.client_token, accessor: res.body.auth.accessor };
}

/** The cubbyhole mount's storage, as the barrier holds it. */
function cubbyholeStorage(): Storage {
  const entry = server.core.mounts.find('mounts', 'cubbyhole/');
  assert.ok(entry, 'the cubbyhole mount is missing');
  return server.core.mounts.storageOf(entry);
}

/** Every key stored in a storage, recursively. */
async function allKeys(storage: Storage, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const child of await storage.list(prefix)) {
    if (child.endsWith('/')) out.push(...(await allKeys(storage, prefix + child)));
    else out.push(prefix + child);
  }
  return out;
}

/** The keys of one token's cubbyhole, found through the token's cubbyhole id. */
async function keysOfCubbyhole(token: string): Promise<string[]> {
  const info = await server.core.tokens.port.check(token, undefined);
  assert.ok(info.cubbyholeId, 'a service token has a cubbyhole id');
  return allKeys(new StorageView(cubbyholeStorage(), cubbyholePrefix(info.cubbyholeId)));
}

function assertEmpty404(res: { status: number; body: unknown }): void {
  assert.equal(res.status, 404);
  assert.deepEqual(res.body, { errors: [] });
}

describe('cubbyhole', () => {
  test('write (204), read (200), list, delete (204) with the default policy', async () => {
    const t = await createToken();
    const w = await server.request('POST', 'cubbyhole/app/creds', { user: 'u', password: 'p', nested: { n: 1 } }, { token: t.id });
    assert.equal(w.status, 204);
    const r = await server.request('GET', 'cubbyhole/app/creds', undefined, { token: t.id });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.data, { user: 'u', password: 'p', nested: { n: 1 } });
    assert.equal(r.body.mount_type, 'cubbyhole');
    assert.equal(r.body.lease_duration, 0);
    assert.equal(r.body.lease_id, '');

    await server.request('POST', 'cubbyhole/top', { v: 1 }, { token: t.id });
    const list = await server.request('LIST', 'cubbyhole', undefined, { token: t.id });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(list.body.data.keys, ['app/', 'top']);
    assert.deepEqual((await server.request('GET', 'cubbyhole/app?list=true', undefined, { token: t.id })).body.data.keys, ['creds']);

    assert.equal((await server.request('DELETE', 'cubbyhole/app/creds', undefined, { token: t.id })).status, 204);
    assertEmpty404(await server.request('GET', 'cubbyhole/app/creds', undefined, { token: t.id }));
  });

  test('a missing secret is a 404 and an empty cubbyhole lists as a 404, both with an empty error list', async () => {
    const t = await createToken();
    assertEmpty404(await server.request('GET', 'cubbyhole/nothing', undefined, { token: t.id }));
    assertEmpty404(await server.request('LIST', 'cubbyhole/', undefined, { token: t.id }));
    assertEmpty404(await server.request('LIST', 'cubbyhole/no/folder', undefined, { token: t.id }));
  });

  test('a write with no data is a 400', async () => {
    const t = await createToken();
    const res = await server.request('POST', 'cubbyhole/empty', {}, { token: t.id });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors.length, 1);
  });

  test('a second write replaces the secret', async () => {
    const t = await createToken();
    await server.request('POST', 'cubbyhole/r', { a: 1, b: 2 }, { token: t.id });
    await server.request('PUT', 'cubbyhole/r', { c: 3 }, { token: t.id });
    assert.deepEqual((await server.request('GET', 'cubbyhole/r', undefined, { token: t.id })).body.data, { c: 3 });
  });

  test('without a token: 403', async () => {
    const res = await server.request('GET', 'cubbyhole/anything', undefined, { token: null });
    assert.equal(res.status, 403);
  });
});

describe('cubbyhole isolation', () => {
  test('token A cannot see, list, change or delete token B\'s cubbyhole, even at the same path', async () => {
    const a = await createToken();
    const b = await createToken();
    await server.request('POST', 'cubbyhole/shared-name', { owner: 'B', secret: 'b-only' }, { token: b.id });

    assertEmpty404(await server.request('GET', 'cubbyhole/shared-name', undefined, { token: a.id }));
    assertEmpty404(await server.request('LIST', 'cubbyhole/', undefined, { token: a.id }));

    // A writes and deletes "the same" path: only its own cubbyhole changes.
    await server.request('POST', 'cubbyhole/shared-name', { owner: 'A' }, { token: a.id });
    assert.deepEqual((await server.request('GET', 'cubbyhole/shared-name', undefined, { token: a.id })).body.data, { owner: 'A' });
    assert.deepEqual((await server.request('GET', 'cubbyhole/shared-name', undefined, { token: b.id })).body.data, { owner: 'B', secret: 'b-only' });
    await server.request('DELETE', 'cubbyhole/shared-name', undefined, { token: a.id });
    assert.deepEqual((await server.request('GET', 'cubbyhole/shared-name', undefined, { token: b.id })).body.data, { owner: 'B', secret: 'b-only' });
  });

  test('root has its own cubbyhole too, separate from its children\'s', async () => {
    const child = await createToken();
    await server.request('POST', 'cubbyhole/root-only', { r: 1 });
    assertEmpty404(await server.request('GET', 'cubbyhole/root-only', undefined, { token: child.id }));
    assert.deepEqual((await server.request('GET', 'cubbyhole/root-only')).body.data, { r: 1 });
  });

  test('storage keys are derived from a hash, never from the token or its accessor', async () => {
    const t = await createToken();
    await server.request('POST', 'cubbyhole/k', { v: 'x' }, { token: t.id });
    const keys = await allKeys(cubbyholeStorage());
    assert.ok(keys.length > 0);
    const info = await server.core.tokens.port.check(t.id, undefined);
    for (const key of keys) {
      assert.ok(!key.includes(t.id), 'a storage key contains the token');
      assert.ok(!key.includes(t.id.replace(/^hvs\./, '')), 'a storage key contains the token');
      assert.ok(!key.includes(t.accessor), 'a storage key contains the accessor');
      assert.ok(!key.includes(info.cubbyholeId!), 'a storage key contains the raw cubbyhole id');
    }
  });

  test('a batch token has no cubbyhole: 400, nothing stored', async () => {
    const before = await allKeys(cubbyholeStorage());
    const batch = await createToken({ type: 'batch' });
    const res = await server.request('POST', 'cubbyhole/x', { v: 1 }, { token: batch.id });
    assert.equal(res.status, 400);
    assert.match(res.body.errors[0], /service tokens/);
    assert.deepEqual(await allKeys(cubbyholeStorage()), before);
  });
});

describe('revoking a token destroys its cubbyhole', () => {
  test('auth/token/revoke: the data is gone from storage, others are untouched', async () => {
    const doomed = await createToken();
    const survivor = await createToken();
    await server.request('POST', 'cubbyhole/a', { v: 'doomed-1' }, { token: doomed.id });
    await server.request('POST', 'cubbyhole/dir/b', { v: 'doomed-2' }, { token: doomed.id });
    await server.request('POST', 'cubbyhole/a', { v: 'survivor' }, { token: survivor.id });

    const info = await server.core.tokens.port.check(doomed.id, undefined);
    const doomedView = new StorageView(cubbyholeStorage(), cubbyholePrefix(info.cubbyholeId!));
    assert.deepEqual((await allKeys(doomedView)).sort(), ['a', 'dir/b']);
    const before = await allKeys(cubbyholeStorage());

    assert.equal((await server.request('POST', 'auth/token/revoke', { token: doomed.id })).status, 204);

    assert.deepEqual(await allKeys(doomedView), [], 'the revoked token\'s cubbyhole is still in storage');
    const afterKeys = await allKeys(cubbyholeStorage());
    assert.equal(afterKeys.length, before.length - 2);
    assert.deepEqual(await keysOfCubbyhole(survivor.id), ['a']);
    assert.deepEqual((await server.request('GET', 'cubbyhole/a', undefined, { token: survivor.id })).body.data, { v: 'survivor' });
    // The revoked token itself is refused.
    assert.equal((await server.request('GET', 'cubbyhole/a', undefined, { token: doomed.id })).status, 403);
  });

  test('revoke-self, revoke-accessor and revoking a parent all destroy the cubbyholes', async () => {
    const self = await createToken();
    const byAccessor = await createToken();
    const parent = await createToken({ policies: ['root'] });
    const child = await createToken({}, parent.id);
    const views: Storage[] = [];
    for (const t of [self, byAccessor, parent, child]) {
      await server.request('POST', 'cubbyhole/s', { v: 'x' }, { token: t.id });
      const info = await server.core.tokens.port.check(t.id, undefined);
      views.push(new StorageView(cubbyholeStorage(), cubbyholePrefix(info.cubbyholeId!)));
    }
    for (const v of views) assert.deepEqual(await allKeys(v), ['s']);

    assert.equal((await server.request('POST', 'auth/token/revoke-self', undefined, { token: self.id })).status, 204);
    assert.equal((await server.request('POST', 'auth/token/revoke-accessor', { accessor: byAccessor.accessor })).status, 204);
    assert.equal((await server.request('POST', 'auth/token/revoke', { token: parent.id })).status, 204);

    for (const [i, v] of views.entries()) assert.deepEqual(await allKeys(v), [], `cubbyhole ${i} survived its token`);
  });

  test('a token used up by num_uses loses its cubbyhole with its last use', async () => {
    const limited = await createToken({ num_uses: 2 });
    await server.request('POST', 'cubbyhole/once', { v: 'x' }, { token: limited.id });
    const info = await server.core.tokens.port.check(limited.id, undefined);
    const view = new StorageView(cubbyholeStorage(), cubbyholePrefix(info.cubbyholeId!));
    assert.deepEqual(await allKeys(view), ['once']);
    const last = await server.request('GET', 'cubbyhole/once', undefined, { token: limited.id });
    assert.equal(last.status, 200);
    assert.deepEqual(last.body.data, { v: 'x' });
    assert.deepEqual(await allKeys(view), []);
    assert.equal((await server.request('GET', 'cubbyhole/once', undefined, { token: limited.id })).status, 403);
  });
});
