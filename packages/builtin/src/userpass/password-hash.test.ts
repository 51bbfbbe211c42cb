import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dummyPasswordHash, hashPassword, verifyPassword, type ScryptParams } from './password-hash.js';

const cheap: ScryptParams = { n: 2 ** 10, r: 8, p: 1, keyLength: 32 };

describe('password hashing', () => {
  it('verifies the right password and refuses others', async () => {
    const stored = await hashPassword('hunter2', cheap);
    assert.equal(stored.algorithm, 'scrypt');
    assert.equal(stored.n, 1024);
    assert.equal(await verifyPassword('hunter2', stored), true);
    assert.equal(await verifyPassword('hunter3', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('salts every hash, and keeps no trace of the password', async () => {
    const a = await hashPassword('same', cheap);
    const b = await hashPassword('same', cheap);
    assert.notEqual(a.salt, b.salt);
    assert.notEqual(a.hash, b.hash);
    assert.equal(JSON.stringify(a).includes('same'), false);
  });

  it('verifies with the parameters stored in the hash, not the current defaults', async () => {
    const stored = await hashPassword('pw', { n: 2 ** 11, r: 4, p: 2, keyLength: 48 });
    assert.equal(Buffer.from(stored.hash, 'base64').length, 48);
    assert.equal(await verifyPassword('pw', stored), true);
  });

  it('makes a dummy hash that no guess matches and that cannot be tampered into accepting', async () => {
    const dummy = await dummyPasswordHash(cheap);
    assert.equal(await verifyPassword('dummy', dummy), false);
    assert.equal(await verifyPassword('pw', { ...dummy, hash: '' }), false);
  });
});
