import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CofferError, InmemStorage, collectKeys } from '@coffer/sdk';
import { AesGcmBarrier } from './aes-gcm.js';
import { KEYRING_PATH } from './paths.js';

const SECRET = 'correct-horse-battery-staple-0123456789';

async function unsealedBarrier(options: ConstructorParameters<typeof AesGcmBarrier>[1] = {}) {
  const physical = new InmemStorage();
  const barrier = new AesGcmBarrier(physical, options);
  const rootKey = barrier.generateKey();
  await barrier.initialize(rootKey);
  await barrier.unseal(rootKey);
  return { physical, barrier, rootKey };
}

function isCode(code: string) {
  return (err: unknown) => err instanceof CofferError && err.code === code;
}

async function rawValue(physical: InmemStorage, key: string): Promise<Buffer> {
  const entry = await physical.get(key);
  assert.ok(entry, `physical entry ${key} exists`);
  return entry.value;
}

test('initialize creates a keyring and leaves the barrier sealed', async () => {
  const physical = new InmemStorage();
  const barrier = new AesGcmBarrier(physical);
  assert.equal(await barrier.initialized(), false);
  const rootKey = barrier.generateKey();
  await barrier.initialize(rootKey);
  assert.equal(await barrier.initialized(), true);
  assert.equal(barrier.sealed, true);
  assert.ok(await physical.get(KEYRING_PATH));
  await assert.rejects(barrier.initialize(rootKey), isCode('invalid_request'));
});

test('every storage operation fails with 503 "Vault is sealed" while sealed', async () => {
  const barrier = new AesGcmBarrier(new InmemStorage());
  await barrier.initialize(barrier.generateKey());
  const sealed = (err: unknown) => err instanceof CofferError && err.code === 'sealed' && err.status === 503 && err.message === 'Vault is sealed';
  await assert.rejects(barrier.get('a'), sealed);
  await assert.rejects(barrier.put({ key: 'a', value: Buffer.from('x') }), sealed);
  await assert.rejects(barrier.delete('a'), sealed);
  await assert.rejects(barrier.list(''), sealed);
  await assert.rejects(barrier.listPage('', '', 10), sealed);
  await assert.rejects(barrier.rotate(), sealed);
  assert.throws(() => barrier.keyStatus(), sealed);
  assert.throws(() => barrier.encryptBlob(Buffer.from('x'), 'a'), sealed);
});

test('round trip, and a known plaintext never appears in the physical bytes', async () => {
  const { physical, barrier } = await unsealedBarrier();
  await barrier.put({ key: 'logical/abc/secret', value: Buffer.from(SECRET) });
  await barrier.put({ key: 'core/mounts', value: Buffer.from(JSON.stringify({ password: SECRET })) });
  assert.equal((await barrier.get('logical/abc/secret'))?.value.toString(), SECRET);
  assert.equal(await barrier.get('missing'), null);

  const needle = Buffer.from(SECRET);
  const half = Buffer.from(SECRET.slice(0, 12));
  for (const key of await collectKeys(physical)) {
    const raw = await rawValue(physical, key);
    assert.equal(raw.includes(needle), false, `plaintext visible in ${key}`);
    assert.equal(raw.includes(half), false, `part of the plaintext visible in ${key}`);
    assert.equal(raw.includes(Buffer.from(SECRET).toString('base64')), false);
  }
});

test('stored layout is [version][term][12-byte nonce][ciphertext][16-byte tag], fresh nonce each write', async () => {
  const { physical, barrier } = await unsealedBarrier();
  const value = Buffer.from('hello world');
  await barrier.put({ key: 'a', value });
  const first = await rawValue(physical, 'a');
  assert.equal(first.length, 1 + 4 + 12 + value.length + 16);
  assert.equal(first.readUInt8(0), 1);
  assert.equal(first.readUInt32BE(1), 1);
  await barrier.put({ key: 'a', value });
  const second = await rawValue(physical, 'a');
  assert.notDeepEqual(first.subarray(5, 17), second.subarray(5, 17));
  assert.notDeepEqual(first, second);
});

test('a flipped byte anywhere in a stored value fails to decrypt with a 500 that leaks nothing', async () => {
  const { physical, barrier } = await unsealedBarrier();
  await barrier.put({ key: 'p', value: Buffer.from(SECRET) });
  const original = await rawValue(physical, 'p');
  for (let i = 0; i < original.length; i++) {
    const tampered = Buffer.from(original);
    tampered[i] = tampered[i]! ^ 0x01;
    await physical.put({ key: 'p', value: tampered });
    await assert.rejects(barrier.get('p'), (err: unknown) => {
      assert.ok(err instanceof CofferError, `byte ${i}`);
      assert.equal(err.code, 'internal');
      assert.equal(err.message.includes(SECRET), false);
      assert.equal(err.message.includes(tampered.toString('hex').slice(0, 16)), false);
      return true;
    });
  }
  await physical.put({ key: 'p', value: original.subarray(0, original.length - 1) });
  await assert.rejects(barrier.get('p'), isCode('internal'));
  await physical.put({ key: 'p', value: Buffer.alloc(3) });
  await assert.rejects(barrier.get('p'), isCode('internal'));
  await physical.put({ key: 'p', value: original });
  assert.equal((await barrier.get('p'))?.value.toString(), SECRET);
});

test('a ciphertext copied to another path fails to decrypt', async () => {
  const { physical, barrier } = await unsealedBarrier();
  await barrier.put({ key: 'logical/mount-a/key', value: Buffer.from(SECRET) });
  await physical.put({ key: 'logical/mount-b/key', value: await rawValue(physical, 'logical/mount-a/key') });
  await assert.rejects(barrier.get('logical/mount-b/key'), isCode('internal'));
  assert.equal((await barrier.get('logical/mount-a/key'))?.value.toString(), SECRET);
});

test('rotation installs a new term; old data stays readable and new writes use the new term', async () => {
  const { physical, barrier, rootKey } = await unsealedBarrier();
  await barrier.put({ key: 'old', value: Buffer.from('written under term 1') });
  assert.equal(barrier.keyStatus().term, 1);
  assert.equal(barrier.keyStatus().encryptions, 1);

  assert.equal(await barrier.rotate(), 2);
  const status = barrier.keyStatus();
  assert.equal(status.term, 2);
  assert.equal(status.encryptions, 0);
  assert.ok(!Number.isNaN(Date.parse(status.install_time)));

  await barrier.put({ key: 'new', value: Buffer.from('written under term 2') });
  assert.equal((await rawValue(physical, 'old')).readUInt32BE(1), 1);
  assert.equal((await rawValue(physical, 'new')).readUInt32BE(1), 2);
  assert.equal((await barrier.get('old'))?.value.toString(), 'written under term 1');
  assert.equal((await barrier.get('new'))?.value.toString(), 'written under term 2');

  assert.equal(await barrier.rotate(), 3);
  barrier.seal();
  await barrier.unseal(rootKey);
  assert.equal(barrier.keyStatus().term, 3, 'the rotated keyring was persisted');
  assert.equal((await barrier.get('old'))?.value.toString(), 'written under term 1');
  assert.equal((await barrier.get('new'))?.value.toString(), 'written under term 2');
});

test('concurrent rotations each get their own term', async () => {
  const { barrier } = await unsealedBarrier();
  const terms = await Promise.all([barrier.rotate(), barrier.rotate(), barrier.rotate()]);
  assert.deepEqual([...terms].sort(), [2, 3, 4]);
  assert.equal(barrier.keyStatus().term, 4);
});

test('the keyring rotates on its own after the configured number of encryptions', async () => {
  const { barrier } = await unsealedBarrier({ autoRotateAfterEncryptions: 3 });
  for (let i = 0; i < 3; i++) await barrier.put({ key: `k${i}`, value: Buffer.from('v') });
  for (let i = 0; i < 100 && barrier.keyStatus().term === 1; i++) await new Promise((r) => setImmediate(r));
  assert.equal(barrier.keyStatus().term, 2);
  assert.equal((await barrier.get('k0'))?.value.toString(), 'v');
});

test('seal wipes the keys; unseal with the wrong key fails and stays sealed; the right key works', async () => {
  const { barrier, rootKey } = await unsealedBarrier();
  await barrier.put({ key: 'a', value: Buffer.from('1') });
  barrier.seal();
  assert.equal(barrier.sealed, true);
  await assert.rejects(barrier.get('a'), isCode('sealed'));

  await assert.rejects(barrier.unseal(randomBytes(32)), (err: unknown) => err instanceof CofferError && err.code === 'invalid_request' && err.status === 400);
  assert.equal(barrier.sealed, true);
  await assert.rejects(barrier.unseal(Buffer.alloc(16)), isCode('invalid_request'));
  assert.equal(barrier.sealed, true);

  await barrier.unseal(rootKey);
  assert.equal(barrier.sealed, false);
  assert.equal((await barrier.get('a'))?.value.toString(), '1');
  barrier.seal();
  barrier.seal();
  assert.equal(barrier.sealed, true);
});

test('unseal of an uninitialized barrier is a 400', async () => {
  const barrier = new AesGcmBarrier(new InmemStorage());
  await assert.rejects(barrier.unseal(barrier.generateKey()), (err: unknown) => err instanceof CofferError && err.code === 'invalid_request' && /not initialized/.test(err.message));
});

test('the barrier keeps its own copy of the root key', async () => {
  const { barrier, rootKey } = await unsealedBarrier();
  const saved = Buffer.from(rootKey);
  rootKey.fill(0);
  await barrier.rotate();
  barrier.seal();
  await barrier.unseal(saved);
  assert.equal(barrier.keyStatus().term, 2);
});

test('rekeyRootKey re-encrypts the keyring: the old root key stops working, data is untouched', async () => {
  const { physical, barrier, rootKey } = await unsealedBarrier();
  await barrier.put({ key: 'data', value: Buffer.from(SECRET) });
  const dataBefore = await rawValue(physical, 'data');
  const keyringBefore = await rawValue(physical, KEYRING_PATH);
  const newRootKey = barrier.generateKey();
  await barrier.rekeyRootKey(newRootKey);
  assert.deepEqual(await rawValue(physical, 'data'), dataBefore);
  assert.notDeepEqual(await rawValue(physical, KEYRING_PATH), keyringBefore);

  await barrier.rotate(); // written under the new root key too
  barrier.seal();
  await assert.rejects(barrier.unseal(rootKey), isCode('invalid_request'));
  await barrier.unseal(newRootKey);
  assert.equal((await barrier.get('data'))?.value.toString(), SECRET);
  assert.equal(barrier.keyStatus().term, 2);
  await assert.rejects(barrier.rekeyRootKey(Buffer.alloc(31)), isCode('invalid_request'));
});

test('blobs round-trip, are bound to their aad, and are never accepted as storage entries', async () => {
  const { physical, barrier } = await unsealedBarrier();
  const blob = barrier.encryptBlob(Buffer.from(SECRET), 'batch-token');
  assert.equal(blob.includes(Buffer.from(SECRET)), false);
  assert.equal(barrier.decryptBlob(blob, 'batch-token').toString(), SECRET);
  assert.throws(() => barrier.decryptBlob(blob, 'other'), isCode('invalid_request'));
  const tampered = Buffer.from(blob);
  tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0x80;
  assert.throws(() => barrier.decryptBlob(tampered, 'batch-token'), isCode('invalid_request'));
  assert.throws(() => barrier.decryptBlob(Buffer.from('short'), 'batch-token'), isCode('invalid_request'));

  // a blob made with a storage path as its aad still cannot pose as the entry at that path
  await physical.put({ key: 'x', value: barrier.encryptBlob(Buffer.from('forged'), 'x') });
  await assert.rejects(barrier.get('x'), isCode('internal'));

  // blobs from before a rotation still open
  await barrier.rotate();
  assert.equal(barrier.decryptBlob(blob, 'batch-token').toString(), SECRET);
});

test('a blob from another barrier is rejected', async () => {
  const a = await unsealedBarrier();
  const b = await unsealedBarrier();
  const blob = a.barrier.encryptBlob(Buffer.from('x'), 'aad');
  assert.throws(() => b.barrier.decryptBlob(blob, 'aad'), isCode('invalid_request'));
});

test('the reserved physical paths are neither readable, writable nor listed through the barrier', async () => {
  const { physical, barrier } = await unsealedBarrier();
  const keyringBefore = await rawValue(physical, KEYRING_PATH);
  await assert.rejects(barrier.put({ key: KEYRING_PATH, value: Buffer.from('oops') }), isCode('invalid_request'));
  await assert.rejects(barrier.get(KEYRING_PATH), isCode('invalid_request'));
  await assert.rejects(barrier.delete('core/seal-config'), isCode('invalid_request'));
  assert.deepEqual(await rawValue(physical, KEYRING_PATH), keyringBefore);

  await barrier.put({ key: 'core/mounts', value: Buffer.from('m') });
  await barrier.put({ key: 'core/auth', value: Buffer.from('a') });
  await physical.put({ key: 'core/seal-config', value: Buffer.from('{}') });
  assert.deepEqual(await barrier.list('core/'), ['auth', 'mounts']);
  assert.deepEqual(await barrier.listPage('core/', '', 2), ['auth', 'mounts']);
  assert.deepEqual(await barrier.listPage('core/', 'auth', 1), ['mounts']);
  assert.deepEqual(await barrier.list(''), ['core/']);
});

test('list and listPage pass through folders and paging', async () => {
  const { barrier } = await unsealedBarrier();
  for (const key of ['a/1', 'a/2', 'b', 'c/d/e', 'd']) await barrier.put({ key: `logical/m/${key}`, value: Buffer.from(key) });
  assert.deepEqual(await barrier.list('logical/m/'), ['a/', 'b', 'c/', 'd']);
  assert.deepEqual(await barrier.listPage('logical/m/', 'a/', 2), ['b', 'c/']);
  await barrier.delete('logical/m/b');
  assert.equal(await barrier.get('logical/m/b'), null);
  assert.deepEqual(await barrier.list('logical/m/'), ['a/', 'c/', 'd']);
});
