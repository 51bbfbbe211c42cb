import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { assertRejectsWithCode } from '../testing/assertions.js';
import { InmemStorage } from './inmem.js';
import { TokenRecords } from './token-records.js';

let clock = 1_000_000;
let storage: InmemStorage;
const now = (): number => clock;

beforeEach(() => {
  clock = 1_000_000;
  storage = new InmemStorage();
});

describe('TokenRecords', () => {
  it('stores a record under the SHA-256 of its token, with the value and its expiry', async () => {
    const records = new TokenRecords<{ who: string }>({ prefix: 'p/', now });
    const token = await records.create(storage, { who: 'alice' }, 60_000);
    assert.ok(token.length >= 40);
    const keys = await storage.list('p/');
    assert.deepEqual(keys, [createHash('sha256').update(token).digest('base64url')]);
    assert.ok(!keys[0]!.includes(token));
    const stored = JSON.parse((await storage.get(`p/${keys[0]}`))!.value.toString('utf8')) as unknown;
    assert.deepEqual(stored, { expiresAt: clock + 60_000, value: { who: 'alice' } });
  });

  it('hands a record out once', async () => {
    const records = new TokenRecords<string>({ prefix: 'p/', now });
    const token = await records.create(storage, 'v', 60_000);
    assert.equal(await records.find(storage, token), 'v', 'find leaves it in place');
    assert.equal(await records.take(storage, token), 'v');
    assert.equal(await records.take(storage, token), undefined);
    assert.equal(await records.find(storage, token), undefined);
    assert.equal(await records.take(storage, ''), undefined);
    assert.equal(storage.size, 0);
  });

  it('lets only one of two concurrent takes of a token succeed', async () => {
    const records = new TokenRecords<string>({ prefix: 'p/', now });
    const token = await records.create(storage, 'v', 60_000);
    const results = await Promise.all([records.take(storage, token), records.take(storage, token), records.take(storage, token)]);
    assert.deepEqual(results.filter((r) => r !== undefined), ['v']);
  });

  it('refuses and removes an expired record', async () => {
    const records = new TokenRecords<string>({ prefix: 'p/', now });
    const taken = await records.create(storage, 'a', 60_000);
    const found = await records.create(storage, 'b', 60_000);
    clock += 60_000;
    assert.equal(await records.take(storage, taken), undefined);
    assert.equal(await records.find(storage, found), undefined);
    assert.equal(storage.size, 0);
  });

  it('sweeps the expired records and keeps the others', async () => {
    const records = new TokenRecords<string>({ prefix: 'p/', now });
    await records.create(storage, 'short', 1_000);
    const long = await records.create(storage, 'long', 60_000);
    await storage.put({ key: 'p/garbage', value: Buffer.from('not json') });
    await storage.put({ key: 'other', value: Buffer.from('untouched') });
    clock += 1_000;
    await records.sweep(storage);
    assert.deepEqual(await storage.list('p/'), [records.keyOf(long).slice(2)]);
    assert.ok(await storage.get('other'));
    assert.equal(await records.take(storage, long), 'long');
  });

  it('refuses to create more than maxRecords, and again accepts once some are used or expired', async () => {
    const records = new TokenRecords<number>({ prefix: 'p/', now, maxRecords: 3, describe: 'pending logins' });
    const tokens = [await records.create(storage, 1, 60_000), await records.create(storage, 2, 60_000), await records.create(storage, 3, 120_000)];
    await assertRejectsWithCode(records.create(storage, 4, 60_000), 'rate_limited', 'too many pending logins (at most 3); retry in a few minutes');
    await records.take(storage, tokens[0]!);
    await records.create(storage, 4, 60_000);
    await assertRejectsWithCode(records.create(storage, 5, 60_000), 'rate_limited');
    // Expired records make room: a full store sweeps before it refuses.
    clock += 60_000;
    await records.create(storage, 5, 60_000);
    assert.equal(storage.size, 2);
  });

  it('counts records another node created (a fresh instance on the same storage)', async () => {
    const first = new TokenRecords<number>({ prefix: 'p/', now, maxRecords: 2 });
    await first.create(storage, 1, 60_000);
    await first.create(storage, 2, 60_000);
    const second = new TokenRecords<number>({ prefix: 'p/', now, maxRecords: 2 });
    await assertRejectsWithCode(second.create(storage, 3, 60_000), 'rate_limited');
  });
});
