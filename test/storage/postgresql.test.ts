// The postgresql storage backend against a real PostgreSQL: the storage
// conformance suite, Vault's table layout, transactions, the HA lock and the
// LISTEN/NOTIFY change feed between two backends sharing one database.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isCofferError, isTransactional, silentLogger } from '@coffer/sdk';
import { describeStorageConformance } from '@coffer/server/physical/conformance.js';
import { hasChangeFeed, isHABackend } from '@coffer/server/physical/ha.js';
import { openPostgresql, type PostgresqlBackend, type PostgresqlTuning } from '@coffer/server/physical/postgresql.js';
import { createPhysical } from '@coffer/server/physical/registry.js';
import { eventually } from '../support/service.js';
import { haLockContract } from './ha-lock-contract.js';
import { createThrowawayDatabase, probeLocalPostgres, type ThrowawayDatabase } from './postgres-database.js';

const postgres = await probeLocalPostgres();
/** Short lock timings, so that expiry and hand-over happen within a second or two. */
const FAST: PostgresqlTuning = { lockTiming: { ttlMs: 1500, renewMs: 200, retryMs: 100 }, reconnectMs: 100 };
const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('postgresql storage', { skip: postgres.skip }, () => {
  let db: ThrowawayDatabase;
  let tables = 0;
  before(async () => {
    postgres.failUnderCi();
    db = await createThrowawayDatabase('storage');
  });
  after(async () => {
    await db?.drop();
  });

  const open = (config: Record<string, string> = {}, tuning: PostgresqlTuning = FAST): Promise<PostgresqlBackend> =>
    // A few connections each: the machine's PostgreSQL is shared (max_connections).
    openPostgresql({ connection_url: db.url, max_parallel: '8', ...config }, silentLogger, tuning);

  describeStorageConformance('postgresql', async () => {
    const table = `kv_${++tables}`;
    const reopen = () => open({ table });
    return { storage: await reopen(), reopen, cleanup: async () => void (await db.query(`DROP TABLE IF EXISTS ${table}`)) };
  });

  /** A fresh table per test, closed and dropped afterwards. */
  const withStore = (title: string, body: (s: PostgresqlBackend, table: string) => Promise<void>, config: Record<string, string> = {}) =>
    it(title, async () => {
      const table = `kv_${++tables}`;
      const s = await open({ table, ...config });
      try {
        await body(s, table);
      } finally {
        await s.close();
        await db.query(`DROP TABLE IF EXISTS ${table}`);
      }
    });

  withStore("stores keys in Vault's layout: parent_path, path, key, value", async (s, table) => {
    assert.equal(s.name, 'postgresql');
    assert.ok(isTransactional(s));
    await s.put({ key: 'a/b/c', value: buf('deep') });
    await s.put({ key: 'a/d', value: buf('one down') });
    await s.put({ key: 'top', value: buf('root') });
    const rows = await db.query(`SELECT parent_path, path, key, encode(value, 'escape') AS value FROM ${table} ORDER BY path, key`);
    assert.deepEqual(rows.rows, [
      { parent_path: '', path: '/', key: 'top', value: 'root' },
      { parent_path: '/', path: '/a/', key: 'd', value: 'one down' },
      { parent_path: '/a/', path: '/a/b/', key: 'c', value: 'deep' },
    ]);
    const columns = await db.query(
      `SELECT column_name, data_type, collation_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    assert.deepEqual(
      columns.rows.map((c) => [c.column_name, c.data_type, c.collation_name]),
      [['parent_path', 'text', 'C'], ['path', 'text', 'C'], ['key', 'text', 'C'], ['value', 'bytea', null]],
    );
  });

  withStore('opens a table created beforehand with the SQL from Vault’s docs', async (s, table) => {
    const vaultTable = `${table}_vault`;
    await db.query(`CREATE TABLE ${vaultTable} (
      parent_path TEXT COLLATE "C" NOT NULL, path TEXT COLLATE "C", key TEXT COLLATE "C", value BYTEA,
      CONSTRAINT ${vaultTable}_pk PRIMARY KEY (path, key))`);
    await db.query(`INSERT INTO ${vaultTable} VALUES ('/', '/core/', 'seal-config', 'x'), ('/core/', '/core/keyring/', 'k1', 'y')`);
    const vault = await open({ table: vaultTable });
    try {
      assert.deepEqual(await vault.list('core/'), ['keyring/', 'seal-config']);
      assert.deepEqual((await vault.get('core/keyring/k1'))?.value, buf('y'));
    } finally {
      await vault.close();
      await db.query(`DROP TABLE ${vaultTable}`);
    }
    assert.deepEqual(await s.list(''), []);
  });

  withStore('lists many folders each holding many keys, and a folder named by an empty segment', async (s) => {
    const ops = [];
    for (let f = 0; f < 200; f++) {
      for (let k = 0; k < 3; k++) ops.push({ op: 'put' as const, entry: { key: `big/f${String(f).padStart(3, '0')}/k${k}`, value: buf('v') } });
    }
    ops.push({ op: 'put' as const, entry: { key: 'big/f150/deeper/still', value: buf('v') } });
    await s.transaction(ops);
    await s.put({ key: 'big/f150', value: buf('leaf beside its folder') });
    await s.put({ key: 'big//empty-segment', value: buf('v') });
    const list = await s.list('big/');
    assert.equal(list.length, 202);
    assert.deepEqual(list.slice(0, 3), ['/', 'f000/', 'f001/']);
    assert.deepEqual(list.slice(150, 153), ['f149/', 'f150', 'f150/']);
    assert.deepEqual(await s.listPage('big/', 'f150', 2), ['f150/', 'f151/']);
    assert.deepEqual(await s.list('big/f150/'), ['deeper/', 'k0', 'k1', 'k2']);
    assert.deepEqual(await s.list('big/f1'), [...Array.from({ length: 100 }, (_, i) => `${String(i).padStart(2, '0')}/`).flatMap((c) => (c === '50/' ? ['50', c] : [c]))]);
  });

  withStore('a key too long for the index is a clear 400, in a transaction too, and changes nothing', async (s) => {
    const long = `long/${'x'.repeat(3000)}`;
    await assert.rejects(s.put({ key: long, value: buf('v') }), (err: unknown) =>
      isCofferError(err) && err.code === 'invalid_request' && err.status === 400 && /too long for postgresql storage/.test(err.message));
    await assert.rejects(s.transaction([{ op: 'put', entry: { key: 'long/short', value: buf('v') } }, { op: 'put', entry: { key: long, value: buf('v') } }]), /too long/);
    assert.deepEqual(await s.list(''), []);
    // Just below the limit is fine.
    const longest = `long/${'y'.repeat(2590)}`;
    await s.put({ key: longest, value: buf('fits') });
    assert.deepEqual((await s.get(longest))?.value, buf('fits'));
  });

  withStore('LIKE wildcards in keys are matched literally when listing', async (s) => {
    for (const key of ['a%/x', 'ab/y', 'a_/z', 'a\\/w', 'a_b', 'a%c']) await s.put({ key, value: buf(key) });
    assert.deepEqual(await s.list(''), ['a%/', 'a%c', 'a\\/', 'a_/', 'a_b', 'ab/']);
    assert.deepEqual(await s.list('a_'), ['/', 'b']);
    assert.deepEqual(await s.list('a%'), ['/', 'c']);
    assert.deepEqual(await s.list('a_/'), ['z']);
  });

  withStore('a transaction that fails inside PostgreSQL rolls back every operation', async (s, table) => {
    await s.put({ key: 't/a', value: buf('a') });
    await db.query(`CREATE FUNCTION ${table}_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.key = 'boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$`);
    await db.query(`CREATE TRIGGER boom BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_boom()`);
    await assert.rejects(
      s.transaction([
        { op: 'put', entry: { key: 't/b', value: buf('b') } },
        { op: 'delete', key: 't/a' },
        { op: 'put', entry: { key: 't/boom', value: buf('x') } },
      ]),
      (err: unknown) => isCofferError(err) && /boom refused/.test(err.message),
    );
    assert.deepEqual(await s.list('t/'), ['a']);
    assert.deepEqual((await s.get('t/a'))?.value, buf('a'));
    await db.query(`DROP TRIGGER boom ON ${table}`);
    await db.query(`DROP FUNCTION ${table}_boom()`);
  });

  it('config: connection_url is required (or VAULT_PG_CONNECTION_URL), values are checked', async () => {
    const saved = process.env['VAULT_PG_CONNECTION_URL'];
    delete process.env['VAULT_PG_CONNECTION_URL'];
    try {
      await assert.rejects(createPhysical('postgresql', {}, silentLogger), (err: unknown) =>
        isCofferError(err) && err.code === 'invalid_request' && /"connection_url" is missing/.test(err.message));
      await assert.rejects(openPostgresql({ connection_url: db.url, ha_enabled: 'maybe' }, silentLogger), /"ha_enabled" must be a boolean/);
      await assert.rejects(openPostgresql({ connection_url: db.url, max_parallel: '0' }, silentLogger), /"max_parallel" must be a whole number of at least 1/);
      await assert.rejects(openPostgresql({ connection_url: db.url, ha_lock_ttl: 'soon' }, silentLogger), /"ha_lock_ttl" must be a duration/);
      // An unreachable server is a clear error that does not echo the password.
      await assert.rejects(openPostgresql({ connection_url: 'postgres://u:SeCrEtPw@127.0.0.1:1/x' }, silentLogger), (err: unknown) =>
        isCofferError(err) && err.code === 'unavailable' && !String((err as Error).message).includes('SeCrEtPw'));

      const table = `kv_${++tables}`;
      process.env['VAULT_PG_CONNECTION_URL'] = db.url;
      const s = await createPhysical('postgresql', { table, max_parallel: '4', max_idle_connections: '1' }, silentLogger);
      await s.put({ key: 'from-env', value: buf('yes') });
      await s.close();
      assert.equal((await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 1);
      await db.query(`DROP TABLE ${table}`);
    } finally {
      if (saved === undefined) delete process.env['VAULT_PG_CONNECTION_URL'];
      else process.env['VAULT_PG_CONNECTION_URL'] = saved;
    }
  });

  describe('HA lock and change feed', () => {
    let table: string;
    let a: PostgresqlBackend;
    let b: PostgresqlBackend;
    before(async () => {
      table = `kv_${++tables}`;
      a = await open({ table, ha_enabled: 'true', ha_table: `${table}_locks` });
      b = await open({ table, ha_enabled: 'true', ha_table: `${table}_locks` });
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await db.query(`DROP TABLE IF EXISTS ${table}, ${table}_locks`);
    });

    it('offers both capabilities only with ha_enabled for the lock', async () => {
      assert.ok(isHABackend(a) && a.haEnabled);
      assert.ok(hasChangeFeed(a));
      const plain = await open({ table });
      try {
        assert.equal(plain.haEnabled, false);
        assert.throws(() => plain.lockWith('core/lock', 'x'), /ha_enabled is false/);
      } finally {
        await plain.close();
      }
      const locks = await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [`${table}_locks`]);
      assert.deepEqual(locks.rows.map((r) => r.column_name), ['ha_key', 'ha_identity', 'ha_value', 'valid_until']);
    });

    haLockContract(() => ({ a, b, openThird: () => open({ table, ha_enabled: 'true', ha_table: `${table}_locks` }), outlastTtlMs: 2000 }));

    it('a lock whose row disappears is lost: the held signal aborts and another node takes it', async () => {
      const lockA = a.lockWith('core/lost', 'a');
      const heldA = await lockA.acquire(new AbortController().signal);
      assert.ok(heldA);
      const lost = new Promise<unknown>((resolve) => heldA.addEventListener('abort', () => resolve(heldA.reason), { once: true }));
      await db.query(`DELETE FROM ${table}_locks WHERE ha_key = 'core/lost'`);
      assert.match(String(await lost), /expired or another node took it/);
      const heldB = await b.lockWith('core/lost', 'b').acquire(new AbortController().signal);
      assert.ok(heldB && !heldB.aborted);
      assert.deepEqual(await lockA.holder(), { held: true, value: 'b' });
    });

    it('a write by one node is reported to a watcher on the other, after it commits', async () => {
      const changes: string[] = [];
      let gaps = 0;
      const stop = await b.watchChanges({ onChange: (key) => changes.push(key), onGap: () => void gaps++ });
      try {
        await a.put({ key: 'feed/one', value: buf('1') });
        await a.delete('feed/one');
        await a.delete('feed/never-existed');
        await a.transaction([
          { op: 'put', entry: { key: 'feed/two', value: buf('2') } },
          { op: 'put', entry: { key: 'feed/three', value: buf('3') } },
        ]);
        assert.ok(await eventually(async () => changes.length >= 4, 5000, 20), `changes: ${JSON.stringify(changes)}`);
        assert.deepEqual(changes, ['feed/one', 'feed/one', 'feed/two', 'feed/three']);
        // What a watcher hears about is already readable.
        assert.deepEqual((await b.get('feed/three'))?.value, buf('3'));
        assert.equal(gaps, 0);
      } finally {
        await stop();
      }
      await a.put({ key: 'feed/after-stop', value: buf('x') });
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(changes.includes('feed/after-stop'), false, 'a stopped watcher hears nothing');
    });

    it('syncChanges resolves only once the watcher has heard every change committed before it', async () => {
      const changes: string[] = [];
      const stop = await b.watchChanges({ onChange: (key) => changes.push(key), onGap: () => undefined });
      try {
        for (let i = 0; i < 20; i++) {
          await a.put({ key: `sync/${i}`, value: buf(String(i)) });
          // No polling: right after syncChanges the watcher has the key (a performance standby's catch-up).
          await b.syncChanges();
          assert.equal(changes.at(-1), `sync/${i}`);
        }
      } finally {
        await stop();
      }
    });

    it('a watcher whose connection drops reconnects and reports a gap', async () => {
      const changes: string[] = [];
      let gaps = 0;
      const stop = await b.watchChanges({ onChange: (key) => changes.push(key), onGap: () => void gaps++ });
      try {
        // Terminate the LISTEN session from the server side.
        await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`);
        assert.ok(await eventually(async () => gaps >= 1, 5000, 50), 'no gap after the connection dropped');
        await a.put({ key: 'feed/after-reconnect', value: buf('x') });
        assert.ok(await eventually(async () => changes.includes('feed/after-reconnect'), 5000, 20));
      } finally {
        await stop();
      }
    });
  });
});
