import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { isTransactional, type Storage } from '@coffer/sdk';
import type { PhysicalBackend } from './types.js';

/** What a backend's test file hands the suite: a fresh, empty storage. */
export interface ConformanceSubject {
  storage: PhysicalBackend;
  /** Removes whatever open() created (temp dirs, tables). The suite closes the storage(s) itself first. */
  cleanup: () => Promise<void>;
  /** Durable backends: opens the same data again after close(). Absent → the durability test is skipped. */
  reopen?: () => Promise<PhysicalBackend>;
}

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

async function putAll(storage: Storage, keys: string[]): Promise<void> {
  for (const key of keys) await storage.put({ key, value: buf(`v:${key}`) });
}

/** Pages through listPage with the given limit until exhausted. */
async function pageAll(storage: Storage, prefix: string, limit: number): Promise<string[]> {
  const out: string[] = [];
  let after = '';
  for (let guard = 0; guard < 100_000; guard++) {
    const page = await storage.listPage(prefix, after, limit);
    if (page.length === 0) return out;
    assert.ok(page.length <= limit, `listPage returned ${page.length} entries with limit ${limit}`);
    out.push(...page);
    after = page[page.length - 1]!;
  }
  throw new Error('listPage never ran out of entries');
}

function assertSorted(list: string[]): void {
  assert.deepEqual(list, [...list].sort(), 'list output must be sorted ascending');
  assert.equal(new Set(list).size, list.length, 'list output must not repeat an entry');
}

/**
 * The storage contract every physical backend must meet. A backend's test
 * file runs it with one line:
 *
 *   describeStorageConformance('sqlite', async () => { … return { storage, cleanup, reopen } });
 */
export function describeStorageConformance(
  name: string,
  open: () => Promise<ConformanceSubject>,
): void {
  /** Each test gets a fresh, empty storage and releases it afterwards, pass or fail. */
  const check = (title: string, body: (storage: PhysicalBackend, subject: ConformanceSubject, t: TestContext) => Promise<void>) =>
    it(title, async (t) => {
      const subject = await open();
      const opened: PhysicalBackend[] = [subject.storage];
      const tracked: ConformanceSubject = {
        ...subject,
        reopen: subject.reopen
          ? async () => {
              const again = await subject.reopen!();
              opened.push(again);
              return again;
            }
          : undefined,
      };
      try {
        await body(subject.storage, tracked, t);
      } finally {
        for (const s of opened) await s.close();
        await subject.cleanup();
      }
    });

  describe(`${name} storage conformance`, () => {
    check('has a name and starts empty', async (s) => {
      assert.equal(typeof s.name, 'string');
      assert.ok(s.name.length > 0);
      assert.deepEqual(await s.list(''), []);
    });

    check('get of a missing key returns null', async (s) => {
      assert.equal(await s.get('nope'), null);
      assert.equal(await s.get('no/such/deep/key'), null);
    });

    check('round-trips all 256 byte values', async (s) => {
      const value = Buffer.alloc(256 * 4);
      for (let i = 0; i < value.length; i++) value[i] = i % 256;
      await s.put({ key: 'binary', value });
      const got = await s.get('binary');
      assert.ok(got);
      assert.equal(got.key, 'binary');
      assert.ok(Buffer.isBuffer(got.value), 'value must come back as a Buffer');
      assert.deepEqual(got.value, value);
    });

    check('round-trips an empty value and a plain Uint8Array', async (s) => {
      await s.put({ key: 'empty', value: Buffer.alloc(0) });
      const empty = await s.get('empty');
      assert.ok(empty, 'an empty value is still a stored key');
      assert.equal(empty.value.length, 0);
      const slice = new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 4);
      await s.put({ key: 'u8', value: slice as Buffer });
      assert.deepEqual((await s.get('u8'))?.value, Buffer.from([8, 7, 6]));
    });

    check('stored values are isolated from caller buffers', async (s) => {
      const value = buf('original');
      await s.put({ key: 'k', value });
      value.fill(0);
      const first = await s.get('k');
      assert.deepEqual(first?.value, buf('original'));
      first!.value.fill(0);
      assert.deepEqual((await s.get('k'))?.value, buf('original'));
    });

    check('overwrites a value', async (s) => {
      await s.put({ key: 'k', value: buf('one') });
      await s.put({ key: 'k', value: buf('two, longer than one') });
      await s.put({ key: 'k', value: buf('3') });
      assert.deepEqual((await s.get('k'))?.value, buf('3'));
      assert.deepEqual(await s.list(''), ['k']);
    });

    check('deletes; deleting a missing key is fine', async (s) => {
      await putAll(s, ['a', 'b/c']);
      await s.delete('a');
      await s.delete('a');
      await s.delete('never-there');
      await s.delete('never/there/either');
      assert.equal(await s.get('a'), null);
      assert.deepEqual(await s.list(''), ['b/']);
      await s.delete('b/c');
      assert.deepEqual(await s.list(''), [], 'a folder disappears with its last key');
      assert.deepEqual(await s.list('b/'), []);
    });

    check('lists children of the root and of nested prefixes', async (s) => {
      await putAll(s, ['top', 'foo/bar', 'foo/baz/qux', 'foo/baz/quux', 'foo/zed', 'x/y/z/deep']);
      assert.deepEqual(await s.list(''), ['foo/', 'top', 'x/']);
      assert.deepEqual(await s.list('foo/'), ['bar', 'baz/', 'zed']);
      assert.deepEqual(await s.list('foo/baz/'), ['quux', 'qux']);
      assert.deepEqual(await s.list('x/'), ['y/']);
      assert.deepEqual(await s.list('x/y/'), ['z/']);
      assert.deepEqual(await s.list('x/y/z/'), ['deep']);
      assert.deepEqual(await s.list('missing/'), []);
      assert.deepEqual(await s.list('top/'), [], 'a leaf has no children');
    });

    check('lists a prefix that ends inside a name', async (s) => {
      await putAll(s, ['abc', 'abd/x', 'ab/y', 'ab', 'b']);
      assert.deepEqual(await s.list('ab'), ['/', 'c', 'd/']);
      assert.deepEqual(await s.listPage('ab', '/', 0), ['c', 'd/']);
    });

    check('a key that is both a leaf and a folder is listed twice', async (s) => {
      await putAll(s, ['a', 'a/b']);
      assert.deepEqual(await s.list(''), ['a', 'a/']);
      assert.deepEqual(await s.list('a/'), ['b']);
      await s.delete('a');
      assert.deepEqual(await s.list(''), ['a/']);
      await s.put({ key: 'a', value: buf('again') });
      await s.delete('a/b');
      assert.deepEqual(await s.list(''), ['a']);
    });

    check('returns sorted output', async (s) => {
      const keys = ['zeta', 'Alpha', 'alpha', 'a-b', 'a.b', 'a_b', 'a0', 'a/x', 'b', '10', '9', 'beta/1', 'Beta', 'a'];
      for (const key of [...keys].reverse()) await s.put({ key, value: buf(key) });
      const list = await s.list('');
      assertSorted(list);
      assert.deepEqual(list, ['10', '9', 'Alpha', 'Beta', 'a', 'a-b', 'a.b', 'a/', 'a0', 'a_b', 'alpha', 'b', 'beta/', 'zeta']);
    });

    check('handles keys with unicode, spaces, dots and dashes', async (s) => {
      const keys = [
        'ünïcödé/ключ',
        '日本語/キー',
        'emoji 🔑/lock 🔒',
        'with space/and more spaces',
        'dots/v1.2.3',
        'dots/.hidden',
        'dots/trailing.',
        'dash-es/--double--',
        'mixed/ä b.c-d_e',
      ];
      for (const key of keys) await s.put({ key, value: buf(`value of ${key}`) });
      for (const key of keys) assert.deepEqual((await s.get(key))?.value, buf(`value of ${key}`), key);
      const top = await s.list('');
      assertSorted(top);
      assert.deepEqual(new Set(top), new Set(['ünïcödé/', '日本語/', 'emoji 🔑/', 'with space/', 'dots/', 'dash-es/', 'mixed/']));
      assert.deepEqual(await s.list('emoji 🔑/'), ['lock 🔒']);
      assert.deepEqual(await s.list('dots/'), ['.hidden', 'trailing.', 'v1.2.3']);
      assert.deepEqual(await s.list('日本語/'), ['キー']);
      assert.deepEqual(await s.list('mixed/'), ['ä b.c-d_e']);
      const all = await pageAll(s, '', 1);
      assert.deepEqual(all, top);
    });

    // UTF-16 order (JavaScript's sort) and code point order (SQL BINARY, byte-wise
    // stores) disagree on U+E000–U+FFFF versus astral characters. The contract
    // does not pick one, but a backend must page consistently with its own list().
    check('pages consistently where UTF-16 and code point order differ', async (s) => {
      const keys = ['ｆｕｌｌ/1', 'ｆｕｌｌ', '𝒳/1', '𝒳', '\uFFFD', '😀/x', 'a', '\uE000/z'];
      await putAll(s, keys);
      const list = await s.list('');
      assert.equal(list.length, 8);
      assert.equal(new Set(list).size, 8);
      assert.deepEqual(await pageAll(s, '', 1), list);
      assert.deepEqual(await pageAll(s, '', 3), list);
      for (let i = 0; i < list.length; i++) {
        assert.deepEqual(await s.listPage('', list[i]!, 0), list.slice(i + 1), `after ${list[i]}`);
      }
    });

    check('listPage honours after and limit', async (s) => {
      await putAll(s, ['a', 'a/1', 'a/2', 'b', 'c/1', 'd', 'e/f/g']);
      assert.deepEqual(await s.list(''), ['a', 'a/', 'b', 'c/', 'd', 'e/']);
      assert.deepEqual(await s.listPage('', '', 0), ['a', 'a/', 'b', 'c/', 'd', 'e/'], "after='' starts at the beginning");
      assert.deepEqual(await s.listPage('', '', 2), ['a', 'a/']);
      assert.deepEqual(await s.listPage('', 'a', 0), ['a/', 'b', 'c/', 'd', 'e/'], 'after a leaf that is also a folder');
      assert.deepEqual(await s.listPage('', 'a/', 0), ['b', 'c/', 'd', 'e/'], 'after a folder name');
      assert.deepEqual(await s.listPage('', 'b', 2), ['c/', 'd']);
      assert.deepEqual(await s.listPage('', 'c/', 1), ['d']);
      assert.deepEqual(await s.listPage('', 'bb', 0), ['c/', 'd', 'e/'], 'after a name that is not present');
      assert.deepEqual(await s.listPage('', 'a/1', 0), ['b', 'c/', 'd', 'e/'], 'after a name inside a folder skips that folder');
      assert.deepEqual(await s.listPage('', 'e/', 0), [], 'after the last entry');
      assert.deepEqual(await s.listPage('', 'zzz', 5), [], 'after past the end');
      assert.deepEqual(await s.listPage('', '', -1), await s.list(''), 'a negative limit means no limit');
      assert.deepEqual(await s.listPage('a/', '1', 0), ['2']);
      assert.deepEqual(await s.listPage('e/', '', 0), ['f/']);
      assert.deepEqual(await s.listPage('missing/', '', 10), []);
    });

    check('listPage with limit 1 paged to exhaustion equals list()', async (s) => {
      const keys: string[] = [];
      for (let i = 0; i < 30; i++) keys.push(`leaf-${String(i).padStart(2, '0')}`);
      for (let i = 0; i < 10; i++) keys.push(`folder-${i}/a`, `folder-${i}/b/c`);
      keys.push('folder-3', 'folder-7', 'nested/x/1', 'nested/x/2', 'nested/y', 'nested/x');
      await putAll(s, keys);
      for (const prefix of ['', 'nested/', 'folder-3/', 'nested/x/']) {
        const list = await s.list(prefix);
        assertSorted(list);
        assert.deepEqual(await pageAll(s, prefix, 1), list, `prefix "${prefix}", limit 1`);
        assert.deepEqual(await pageAll(s, prefix, 7), list, `prefix "${prefix}", limit 7`);
      }
      assert.equal((await s.list('')).length, 30 + 10 + 2 + 1);
    });

    check('200 concurrent writers on distinct keys', async (s) => {
      const keys = Array.from({ length: 200 }, (_, i) => `concurrent/${i % 10}/key-${i}`);
      await Promise.all(keys.map((key) => s.put({ key, value: buf(`value-${key}`) })));
      for (const key of keys) assert.deepEqual((await s.get(key))?.value, buf(`value-${key}`));
      assert.deepEqual(await s.list('concurrent/'), Array.from({ length: 10 }, (_, i) => `${i}/`));
      let total = 0;
      for (let i = 0; i < 10; i++) total += (await s.list(`concurrent/${i}/`)).length;
      assert.equal(total, 200);
      // And concurrent deletes leave nothing behind.
      await Promise.all(keys.map((key) => s.delete(key)));
      assert.deepEqual(await s.list(''), []);
    });

    check('50 concurrent writers on the same key', async (s) => {
      const values = Array.from({ length: 50 }, (_, i) => buf(`writer ${i} `.repeat(i + 1)));
      await Promise.all(values.map((value) => s.put({ key: 'same/key', value })));
      const got = await s.get('same/key');
      assert.ok(got);
      assert.ok(values.some((v) => v.equals(got.value)), 'the final value is one of the written ones');
      assert.deepEqual(await s.list(''), ['same/']);
      assert.deepEqual(await s.list('same/'), ['key']);
      await s.put({ key: 'same/key', value: buf('after') });
      assert.deepEqual((await s.get('same/key'))?.value, buf('after'));
    });

    check('mixed concurrent puts and deletes keep the store consistent', async (s) => {
      await putAll(s, Array.from({ length: 40 }, (_, i) => `churn/${i % 4}/k${i}`));
      const ops: Promise<void>[] = [];
      for (let i = 0; i < 40; i++) {
        ops.push(i % 2 === 0 ? s.delete(`churn/${i % 4}/k${i}`) : s.put({ key: `churn/${i % 4}/n${i}`, value: buf('n') }));
      }
      await Promise.all(ops);
      const expected = new Set<string>();
      for (let i = 0; i < 40; i++) {
        if (i % 2 === 1) expected.add(`churn/${i % 4}/k${i}`).add(`churn/${i % 4}/n${i}`);
      }
      const found = new Set<string>();
      for (const folder of await s.list('churn/')) {
        for (const leaf of await s.list(`churn/${folder}`)) found.add(`churn/${folder}${leaf}`);
      }
      assert.deepEqual(found, expected);
    });

    check('transactions apply all operations', async (s, _subject, t) => {
      if (!isTransactional(s)) return t.skip(`${name} is not transactional`);
      await putAll(s, ['t/old', 't/keep']);
      await s.transaction([
        { op: 'put', entry: { key: 't/new', value: buf('new') } },
        { op: 'delete', key: 't/old' },
        { op: 'put', entry: { key: 't/keep', value: buf('updated') } },
        { op: 'delete', key: 't/never-existed' },
      ]);
      assert.deepEqual(await s.list('t/'), ['keep', 'new']);
      assert.deepEqual((await s.get('t/keep'))?.value, buf('updated'));
      await s.transaction([]);
      assert.deepEqual(await s.list('t/'), ['keep', 'new']);
    });

    check('a failing transaction changes nothing', async (s, _subject, t) => {
      if (!isTransactional(s)) return t.skip(`${name} is not transactional`);
      await putAll(s, ['t/a', 't/b']);
      const bad = { op: 'put', entry: { key: 't/bad', value: 'not a buffer' } } as never;
      await assert.rejects(
        s.transaction([
          { op: 'put', entry: { key: 't/a', value: buf('changed') } },
          { op: 'delete', key: 't/b' },
          { op: 'put', entry: { key: 't/c', value: buf('c') } },
          bad,
        ]),
      );
      assert.deepEqual(await s.list('t/'), ['a', 'b']);
      assert.deepEqual((await s.get('t/a'))?.value, buf('v:t/a'));
      assert.equal(await s.get('t/c'), null);
    });

    check('stores a 1 MiB value', async (s) => {
      const value = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < value.length; i++) value[i] = (i * 31 + 7) % 256;
      await s.put({ key: 'big/value', value });
      const got = await s.get('big/value');
      assert.ok(got);
      assert.equal(got.value.length, value.length);
      assert.ok(got.value.equals(value));
    });

    check('refuses a value that is not binary', async (s) => {
      await assert.rejects(s.put({ key: 'k', value: 'text' as never }));
      await assert.rejects(s.put({ key: '', value: buf('x') }));
      assert.deepEqual(await s.list(''), []);
    });

    check('close() then reopen keeps the data', async (s, subject, t) => {
      if (!subject.reopen) return t.skip(`${name} is not durable`);
      await putAll(s, ['durable/a', 'durable/b/c', 'top']);
      await s.put({ key: 'durable/bin', value: Buffer.from([0, 255, 1, 254]) });
      await s.delete('top');
      await s.close();
      await s.close(); // closing twice is harmless
      const again = await subject.reopen();
      assert.deepEqual(await again.list(''), ['durable/']);
      assert.deepEqual(await again.list('durable/'), ['a', 'b/', 'bin']);
      assert.deepEqual((await again.get('durable/b/c'))?.value, buf('v:durable/b/c'));
      assert.deepEqual((await again.get('durable/bin'))?.value, Buffer.from([0, 255, 1, 254]));
      await again.put({ key: 'durable/after', value: buf('reopened') });
      assert.deepEqual((await again.get('durable/after'))?.value, buf('reopened'));
    });
  });
}
