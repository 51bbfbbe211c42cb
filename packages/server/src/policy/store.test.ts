import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CofferError, InmemStorage, StorageView, silentLogger, type Storage, type StorageEntry } from '@coffer/sdk';
import { DEFAULT_POLICY_TEXT, RESPONSE_WRAPPING_POLICY_TEXT } from './builtin-policies.js';
import { createPolicyStore } from './store.js';

const READ_SECRET = 'path "secret/*" { capabilities = ["read"] }';
const LIST_SECRET = 'path "secret/*" { capabilities = ["list"] }';

function newStore(storage: Storage = new StorageView(new InmemStorage(), 'sys/policy/')) {
  return { storage, store: createPolicyStore({ storage, logger: silentLogger }) };
}

async function rejects(promise: Promise<unknown>, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CofferError);
    assert.equal(err.code, 'invalid_request');
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

/** Storage that counts reads, to see what the caches save. */
class CountingStorage extends InmemStorage {
  gets = 0;
  override async get(key: string): Promise<StorageEntry | null> {
    this.gets++;
    return super.get(key);
  }
}

/** Storage whose reads can be held back, to interleave a read with a write. */
class GatedStorage extends InmemStorage {
  private gate: Promise<void> | null = null;
  private open: () => void = () => undefined;
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.gate = null;
    this.open();
  }
  override async get(key: string): Promise<StorageEntry | null> {
    const entry = await super.get(key);
    if (this.gate) await this.gate;
    return entry;
  }
}

describe('PolicyStore', () => {
  it('writes default and response-wrapping at setup, keeps an edited default', async () => {
    const { store } = newStore();
    await store.setupDefaults();
    assert.equal((await store.get('default'))!.raw, DEFAULT_POLICY_TEXT);
    assert.equal((await store.get('response-wrapping'))!.raw, RESPONSE_WRAPPING_POLICY_TEXT);

    await store.set('default', READ_SECRET);
    await store.setupDefaults();
    assert.equal((await store.get('default'))!.raw, READ_SECRET);
  });

  it('rewrites a response-wrapping policy that differs from the built-in one', async () => {
    const { storage, store } = newStore();
    await storage.put({ key: 'response-wrapping', value: Buffer.from(JSON.stringify({ Version: 2, Raw: READ_SECRET, Type: 0 })) });
    await store.setupDefaults();
    assert.equal((await store.get('response-wrapping'))!.raw, RESPONSE_WRAPPING_POLICY_TEXT);
  });

  it('persists: a new store over the same storage reads policies back', async () => {
    const storage = new StorageView(new InmemStorage(), 'sys/policy/');
    const first = createPolicyStore({ storage, logger: silentLogger });
    await first.setupDefaults();
    await first.set('Dev-Team', READ_SECRET);

    const second = createPolicyStore({ storage, logger: silentLogger });
    const policy = await second.get('dev-team');
    assert.equal(policy!.name, 'dev-team');
    assert.equal(policy!.raw, READ_SECRET);
    assert.deepEqual((await second.acl(['dev-team'])).capabilities('secret/x'), ['read']);
  });

  it('lower-cases and trims names everywhere', async () => {
    const { store } = newStore();
    await store.set('  MiXeD ', READ_SECRET);
    assert.equal((await store.get('mixed'))!.name, 'mixed');
    assert.equal((await store.get('MIXED'))!.raw, READ_SECRET);
    assert.deepEqual((await store.acl(['MIXED'])).capabilities('secret/a'), ['read']);
    await store.delete('Mixed');
    assert.equal(await store.get('mixed'), null);
  });

  it('writes nothing when the text does not parse', async () => {
    const { storage, store } = newStore();
    await rejects(store.set('bad', 'path "x" { capabilities = ["nope"] }'), /^failed to parse policy: policy "bad"/);
    assert.equal(await storage.get('bad'), null);
    assert.equal(await store.get('bad'), null);
  });

  it('lists stored policies sorted, without response-wrapping, with root last', async () => {
    const { store } = newStore();
    await store.setupDefaults();
    await store.set('zeta', READ_SECRET);
    await store.set('alpha', READ_SECRET);
    await store.set('team/ops', READ_SECRET);
    assert.deepEqual(await store.list(), ['alpha', 'default', 'team/ops', 'zeta', 'root']);
  });

  it('serves root without storage and protects it', async () => {
    const { store } = newStore();
    assert.deepEqual(await store.get('root'), { name: 'root', raw: '', paths: [] });
    await rejects(store.set('root', READ_SECRET), 'cannot update "root" policy');
    await rejects(store.delete('root'), 'cannot delete "root" policy');
    const root = await store.acl(['root']);
    assert.equal(root.isRoot, true);
  });

  it('protects default from deletion and response-wrapping from any change', async () => {
    const { store } = newStore();
    await store.setupDefaults();
    await rejects(store.delete('default'), 'cannot delete default policy');
    await rejects(store.set('response-wrapping', READ_SECRET), 'cannot update "response-wrapping" policy');
    await rejects(store.delete('Response-Wrapping'), 'cannot delete "response-wrapping" policy');
    assert.ok(await store.get('default'));
  });

  it('refuses empty names and names that are not plain keys', async () => {
    const { store } = newStore();
    await rejects(store.set('  ', READ_SECRET), /name must be provided/);
    await rejects(store.set('a/../b', READ_SECRET), /must not contain "\.\."/);
    await rejects(store.set('/lead', READ_SECRET), /must not start or end with "\/"/);
  });

  it('deleting a missing policy is not an error', async () => {
    const { store } = newStore();
    await store.delete('never-was');
    assert.equal(await store.get('never-was'), null);
  });

  it('builds ACLs from several policies, skipping unknown names', async () => {
    const { store } = newStore();
    await store.set('reader', READ_SECRET);
    await store.set('lister', LIST_SECRET);
    const acl = await store.acl(['reader', 'lister', 'ghost']);
    assert.deepEqual(acl.capabilities('secret/x'), ['list', 'read']);
    assert.deepEqual((await store.acl(['ghost'])).capabilities('secret/x'), ['deny']);
  });

  it('caches ACLs and invalidates them on set and delete', async () => {
    const { store } = newStore();
    await store.set('reader', READ_SECRET);
    await store.set('lister', LIST_SECRET);
    const first = await store.acl(['reader', 'lister']);
    assert.equal(await store.acl(['lister', 'reader', 'reader']), first, 'same set of names, same cached ACL');

    await store.set('reader', 'path "secret/*" { capabilities = ["update"] }');
    const afterSet = await store.acl(['reader', 'lister']);
    assert.notEqual(afterSet, first);
    assert.deepEqual(afterSet.capabilities('secret/x'), ['list', 'update']);

    await store.delete('lister');
    assert.deepEqual((await store.acl(['reader', 'lister'])).capabilities('secret/x'), ['update']);
  });

  it('reads each policy from storage once while cached, again after invalidate()', async () => {
    const counting = new CountingStorage();
    const writer = createPolicyStore({ storage: counting, logger: silentLogger });
    await writer.set('reader', READ_SECRET);

    const reader = createPolicyStore({ storage: counting, logger: silentLogger });
    counting.gets = 0;
    await reader.get('reader');
    await reader.get('reader');
    await reader.acl(['reader']);
    assert.equal(counting.gets, 1);

    // Another node changed the policy: the store is told, and reads the new text.
    await writer.set('reader', LIST_SECRET);
    assert.deepEqual((await reader.acl(['reader'])).capabilities('secret/x'), ['read'], 'still cached');
    reader.invalidate('reader');
    assert.deepEqual((await reader.acl(['reader'])).capabilities('secret/x'), ['list']);
    assert.equal(counting.gets, 2);
  });

  it('does not cache a policy read that raced with a write', async () => {
    const storage = new GatedStorage();
    const store = createPolicyStore({ storage, logger: silentLogger });
    await store.set('p', READ_SECRET);
    store.invalidate('p');

    // A read fetches the old text, but a write lands before the read finishes.
    storage.hold();
    const reading = store.acl(['p']);
    await store.set('p', LIST_SECRET);
    storage.release();
    assert.deepEqual((await reading).capabilities('secret/x'), ['read'], 'the racing read saw the old text');

    // Neither the old policy nor an ACL built from it may stay cached.
    assert.deepEqual((await store.acl(['p'])).capabilities('secret/x'), ['list']);
    assert.equal((await store.get('p'))!.raw, LIST_SECRET);
  });

  it('reports a damaged stored policy as an internal error', async () => {
    const { storage, store } = newStore();
    await storage.put({ key: 'broken', value: Buffer.from(JSON.stringify({ Version: 2, Raw: 'path "x" {', Type: 0 })) });
    await assert.rejects(store.get('broken'), (err: unknown) => err instanceof CofferError && err.code === 'internal');
  });
});
