import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CofferError } from '@coffer/sdk';
import { combineKeyShares, decodeKeyShare, KeyShareCollector, splitUnsealKey } from './key-shares.js';

test('hex is preferred when it decodes to a plausible key length, else base64', () => {
  const share = randomBytes(33);
  assert.deepEqual(decodeKeyShare(share.toString('hex')), share);
  assert.deepEqual(decodeKeyShare(share.toString('hex').toUpperCase()), share);
  assert.deepEqual(decodeKeyShare(share.toString('base64')), share);
  assert.deepEqual(decodeKeyShare(` ${share.toString('base64')}\n`), share);
  // 24 hex digits would be 12 bytes (too short for a key), so this is read as base64 (18 bytes)
  const hexLooking = 'abcdef012345abcdef012345';
  assert.equal(decodeKeyShare(hexLooking).length, 18);
});

test('anything else is rejected with Vault\'s message', () => {
  for (const bad of ['', 'zz', 'not base64!', 'abc', 'QUJD=', 'QQ']) {
    assert.throws(() => decodeKeyShare(bad), (err: unknown) => err instanceof CofferError && err.message === "'key' must be a valid hex or base64 string", bad);
  }
});

test('split and combine: Vault\'s layout, any threshold subset, single share is the key', async () => {
  const key = randomBytes(32);
  const shares = await splitUnsealKey(key, 5, 3);
  assert.equal(shares.length, 5);
  for (const share of shares) assert.equal(share.length, 33);
  assert.equal(new Set(shares.map((s) => s[32])).size, 5, 'distinct x-coordinates in the last byte');
  assert.deepEqual(await combineKeyShares([shares[4]!, shares[0]!, shares[2]!], 3), key);
  assert.notDeepEqual(await combineKeyShares([shares[4]!, shares[0]!], 2), key, 'below the threshold the result is garbage');
  const [only] = await splitUnsealKey(key, 1, 1);
  assert.deepEqual(only, key);
  assert.deepEqual(await combineKeyShares([only!], 1), key);
  await assert.rejects(combineKeyShares([shares[0]!, shares[0]!], 2), (err: unknown) => err instanceof CofferError && err.code === 'invalid_request');
});

test('the collector refuses duplicates and wipes what it hands back on reset', () => {
  const collector = new KeyShareCollector();
  const share = randomBytes(33);
  assert.equal(collector.add(share), true);
  assert.equal(collector.add(Buffer.from(share)), false);
  assert.equal(collector.add(randomBytes(33)), true);
  assert.equal(collector.count, 2);
  const taken = collector.take();
  assert.equal(taken.length, 2);
  assert.equal(collector.count, 0);
  collector.add(share);
  collector.reset();
  assert.equal(collector.count, 0);
  assert.notDeepEqual(share, Buffer.alloc(33), 'the caller\'s buffer is not touched');
});
