import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { isCofferError, isTransactional, silentLogger } from '@coffer/sdk';
import { describeStorageConformance } from './conformance.js';
import { openSqlite, SQLITE_FILE_NAME, type SqliteBackend } from './sqlite.js';

const tempDir = (): string => fs.mkdtempSync(join(os.tmpdir(), 'coffer-sqlite-'));
const removeDir = async (dir: string): Promise<void> => fs.rmSync(dir, { recursive: true, force: true });

describeStorageConformance('sqlite', async () => {
  const dir = tempDir();
  const open = () => openSqlite({ path: dir }, silentLogger);
  return { storage: await open(), reopen: open, cleanup: () => removeDir(dir) };
});

describe('sqlite storage specifics', () => {
  const withStore = (title: string, body: (s: SqliteBackend, dir: string) => Promise<void>) =>
    it(title, async () => {
      const dir = tempDir();
      const s = await openSqlite({ path: dir }, silentLogger);
      try {
        await body(s, dir);
      } finally {
        await s.close();
        await removeDir(dir);
      }
    });

  withStore('keeps one WAL-mode database file with synchronous=FULL', async (s, dir) => {
    assert.equal(s.name, 'sqlite');
    assert.ok(isTransactional(s));
    await s.put({ key: 'k', value: Buffer.from('v') });
    assert.equal(s.file, join(dir, SQLITE_FILE_NAME));
    assert.ok(fs.existsSync(join(dir, SQLITE_FILE_NAME)));
    const peek = new Database(s.file, { readonly: true });
    try {
      assert.equal(peek.pragma('journal_mode', { simple: true }), 'wal');
      const columns = peek.prepare('SELECT name, type, pk FROM pragma_table_info(?)').all('kv');
      assert.deepEqual(columns, [
        { name: 'key', type: 'TEXT', pk: 1 },
        { name: 'value', type: 'BLOB', pk: 0 },
      ]);
    } finally {
      peek.close();
    }
    // synchronous is per connection: ask through the backend's own connection.
    const db = (s as unknown as { db: Database.Database }).db;
    assert.equal(db.pragma('synchronous', { simple: true }), 2, 'synchronous=FULL');
  });

  withStore('list seeks through the primary-key index', async (s) => {
    const db = (s as unknown as { db: Database.Database }).db;
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT key FROM kv WHERE key >= ? ORDER BY key').all('a') as { detail: string }[];
    assert.ok(
      plan.some((row) => /USING COVERING INDEX/.test(row.detail) && /key>\?/.test(row.detail)),
      JSON.stringify(plan),
    );
  });

  withStore('lists many folders each holding many keys', async (s) => {
    const ops = [];
    for (let f = 0; f < 300; f++) {
      for (let k = 0; k < 20; k++) ops.push({ op: 'put' as const, entry: { key: `big/f${String(f).padStart(3, '0')}/k${k}`, value: Buffer.from('v') } });
    }
    await s.transaction(ops);
    await s.put({ key: 'big/f150', value: Buffer.from('leaf beside its folder') });
    const list = await s.list('big/');
    assert.equal(list.length, 301);
    assert.deepEqual(list.slice(0, 2), ['f000/', 'f001/']);
    assert.deepEqual(list.slice(149, 152), ['f149/', 'f150', 'f150/']);
    assert.deepEqual(await s.listPage('big/', 'f150', 2), ['f150/', 'f151/']);
    assert.deepEqual(await s.listPage('big/', 'f150/', 1), ['f151/']);
    assert.equal((await s.list('big/f042/')).length, 20);
  });

  withStore('a transaction that fails inside SQLite rolls back every operation', async (s) => {
    await s.put({ key: 't/a', value: Buffer.from('a') });
    // A trigger added through a second connection makes SQLite itself abort mid-transaction.
    const other = new Database(s.file);
    other.exec("CREATE TRIGGER boom BEFORE INSERT ON kv WHEN NEW.key = 't/boom' BEGIN SELECT RAISE(ABORT, 'boom'); END");
    other.close();
    await assert.rejects(
      s.transaction([
        { op: 'put', entry: { key: 't/b', value: Buffer.from('b') } },
        { op: 'delete', key: 't/a' },
        { op: 'put', entry: { key: 't/boom', value: Buffer.from('x') } },
      ]),
      /boom/,
    );
    assert.deepEqual(await s.list('t/'), ['a']);
    assert.deepEqual((await s.get('t/a'))?.value, Buffer.from('a'));
  });

  withStore('using the storage after close() is a clear error', async (s) => {
    await s.close();
    await assert.rejects(s.get('k'), (err: unknown) => isCofferError(err) && err.code === 'unavailable' && /closed/.test(err.message));
  });

  it('reopens after close and keeps a clean database', async () => {
    const dir = tempDir();
    try {
      const first = await openSqlite({ path: dir }, silentLogger);
      for (let i = 0; i < 100; i++) await first.put({ key: `r/${i}`, value: Buffer.from(String(i)) });
      await first.close();
      assert.ok(!fs.existsSync(join(dir, `${SQLITE_FILE_NAME}-wal`)) || fs.statSync(join(dir, `${SQLITE_FILE_NAME}-wal`)).size === 0,
        'close() checkpoints the WAL');
      const second = await openSqlite({ path: dir }, silentLogger);
      assert.equal((await second.list('r/')).length, 100);
      assert.deepEqual((await second.get('r/42'))?.value, Buffer.from('42'));
      await second.close();
      const check = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
      assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
      check.close();
    } finally {
      await removeDir(dir);
    }
  });

  it('open errors name the path and say what to do', async () => {
    const base = tempDir();
    try {
      await assert.rejects(openSqlite({}, silentLogger), (err: Error) => isCofferError(err) && err.code === 'invalid_request' && /"path" key is missing/.test(err.message));

      const corrupt = join(base, 'corrupt');
      fs.mkdirSync(corrupt);
      fs.writeFileSync(join(corrupt, SQLITE_FILE_NAME), 'this is not a database, just some text that is long enough '.repeat(100));
      await assert.rejects(openSqlite({ path: corrupt }, silentLogger), (err: Error) => {
        assert.ok(err.message.includes(join(corrupt, SQLITE_FILE_NAME)), err.message);
        assert.match(err.message, /not a SQLite database or is corrupt; restore it from a backup/);
        return true;
      });

      fs.writeFileSync(join(base, 'a-file'), '');
      await assert.rejects(openSqlite({ path: join(base, 'a-file') }, silentLogger), (err: Error) =>
        /exists but is not a directory/.test(err.message) && err.message.includes('a-file'));
    } finally {
      await removeDir(base);
    }
  });

  it('an unwritable directory is a clear error', async (t) => {
    if (process.getuid?.() === 0) return t.skip('running as root: directory permissions are not enforced');
    const base = tempDir();
    try {
      const locked = join(base, 'locked');
      fs.mkdirSync(locked, { mode: 0o500 });
      await assert.rejects(openSqlite({ path: locked }, silentLogger), (err: Error) =>
        /not writable/.test(err.message) && err.message.includes(locked));
    } finally {
      fs.chmodSync(join(base, 'locked'), 0o700);
      await removeDir(base);
    }
  });
});
