import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { isCofferError, silentLogger } from '@coffer/sdk';
import { describeStorageConformance } from './conformance.js';
import { hasChangeFeed, isHABackend, type ChangeListener } from './ha.js';
import { openSqlite, SqliteBackend, SQLITE_FILE_NAME } from './sqlite.js';

const HA = { ha_enabled: 'true', ha_lock_ttl: '600ms', ha_poll_interval: '20ms' };

async function withTwoNodes(body: (a: SqliteBackend, b: SqliteBackend, dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'coffer-sqlite-ha-'));
  const a = await openSqlite({ path: dir, ...HA }, silentLogger);
  const b = await openSqlite({ path: dir, ...HA }, silentLogger);
  try {
    await body(a, b, dir);
  } finally {
    await a.close();
    await b.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// With HA on, every write also appends to the change log in the same transaction: still a correct storage.
describeStorageConformance('sqlite (ha_enabled)', async () => {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'coffer-sqlite-ha-'));
  const open = () => openSqlite({ path: dir, ...HA }, silentLogger);
  return { storage: await open(), reopen: open, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
});

/** Collects what a watcher hears. */
function recorder(): ChangeListener & { keys: string[]; gaps: number; until(n: number): Promise<void> } {
  const r = {
    keys: [] as string[],
    gaps: 0,
    onChange(key: string) {
      r.keys.push(key);
    },
    onGap() {
      r.gaps++;
    },
    async until(n: number) {
      const deadline = Date.now() + 5000;
      while (r.keys.length < n && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    },
  };
  return r;
}

describe('sqlite storage: HA lock and change feed (ha_enabled)', () => {
  it('offers the HA capabilities only with ha_enabled', async () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'coffer-sqlite-ha-'));
    const plain = await openSqlite({ path: dir }, silentLogger);
    try {
      assert.ok(isHABackend(plain) && hasChangeFeed(plain));
      assert.equal(plain.haEnabled, false);
      assert.throws(() => plain.lockWith('core/lock', 'x'), (err) => isCofferError(err) && /ha_enabled/.test(err.message));
      await assert.rejects(openSqlite({ path: dir, ha_enabled: 'maybe' }, silentLogger), /ha_enabled must be true or false/);
      await assert.rejects(openSqlite({ path: dir, ha_enabled: 'true', ha_lock_ttl: 'soon' }, silentLogger), /ha_lock_ttl must be a duration/);
    } finally {
      await plain.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one holder at a time; the other takes over after a release', () =>
    withTwoNodes(async (a, b) => {
      assert.equal(a.haEnabled, true);
      const lockA = a.lockWith('core/lock', 'node-a');
      const lockB = b.lockWith('core/lock', 'node-b');
      const stop = new AbortController();
      const heldA = await lockA.acquire(stop.signal);
      assert.ok(heldA && !heldA.aborted);
      assert.deepEqual(await lockB.holder(), { held: true, value: 'node-a' });

      let bGotIt = false;
      const waitingB = lockB.acquire(stop.signal).then((signal) => {
        bGotIt = true;
        return signal;
      });
      // B keeps waiting while A renews, well past the TTL.
      await new Promise((res) => setTimeout(res, 1200));
      assert.equal(bGotIt, false);
      assert.equal(heldA.aborted, false);

      await lockA.release();
      assert.equal(heldA.aborted, true);
      const heldB = await waitingB;
      assert.ok(heldB && !heldB.aborted);
      assert.deepEqual(await lockA.holder(), { held: true, value: 'node-b' });
      await lockB.release();
      assert.deepEqual(await lockA.holder(), { held: false, value: '' });
    }));

  it('a holder that stops renewing (its process died) loses the lock after the TTL', () =>
    withTwoNodes(async (a, b) => {
      const stop = new AbortController();
      const heldA = await a.lockWith('core/lock', 'node-a').acquire(stop.signal);
      assert.ok(heldA);
      // Closing A's database is what a SIGKILL does to the lock: the row stays, nobody renews it.
      await a.close();
      const heldB = await b.lockWith('core/lock', 'node-b').acquire(stop.signal);
      assert.ok(heldB && !heldB.aborted);
      assert.equal(heldA.aborted, true, 'A noticed it could not renew');
    }));

  it('acquire gives up with null when stopped', () =>
    withTwoNodes(async (a, b) => {
      const stop = new AbortController();
      assert.ok(await a.lockWith('core/lock', 'a').acquire(stop.signal));
      const stopB = new AbortController();
      const waiting = b.lockWith('core/lock', 'b').acquire(stopB.signal);
      stopB.abort();
      assert.equal(await waiting, null);
    }));

  it('a watcher hears the other process\'s puts, deletes and transactions, in order, and not its own', () =>
    withTwoNodes(async (a, b) => {
      const onB = recorder();
      const onA = recorder();
      const stopB = await b.watchChanges(onB);
      const stopA = await a.watchChanges(onA);
      await a.put({ key: 'core/mounts', value: Buffer.from('1') });
      await a.delete('sys/policy/old');
      await a.transaction([
        { op: 'put', entry: { key: 'logical/x/one', value: Buffer.from('1') } },
        { op: 'delete', key: 'logical/x/two' },
      ]);
      await b.put({ key: 'from-b', value: Buffer.from('b') });
      await onB.until(4);
      await onA.until(1);
      assert.deepEqual(onB.keys, ['core/mounts', 'sys/policy/old', 'logical/x/one', 'logical/x/two']);
      assert.deepEqual(onA.keys, ['from-b']);
      assert.equal(onB.gaps, 0);
      await stopA();
      await stopB();
      await a.put({ key: 'after-stop', value: Buffer.from('x') });
      await new Promise((res) => setTimeout(res, 100));
      assert.ok(!onB.keys.includes('after-stop'));
    }));

  it('a watcher that fell behind the pruned log hears onGap, then the changes after it', async () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'coffer-sqlite-ha-'));
    const a = await openSqlite({ path: dir, ...HA }, silentLogger);
    // A writer that keeps only the 10 newest changes.
    const file = join(dir, SQLITE_FILE_NAME);
    const writerDb = new Database(file, { timeout: 5000 });
    writerDb.pragma('journal_mode = WAL');
    const writer = new SqliteBackend(writerDb, file, { lock: { ttlMs: 600, retryMs: 20 }, pollMs: 20, retention: 10, logger: silentLogger });
    try {
      const heard = recorder();
      const stopWatching = await a.watchChanges(heard);
      // The transactions commit synchronously (awaiting only microtasks), so all 50 land, and all but
      // the newest 10 are pruned, before the watcher's next poll.
      for (let i = 0; i < 50; i++) await writer.transaction([{ op: 'put', entry: { key: `k${i}`, value: Buffer.from('v') } }]);
      await heard.until(10);
      assert.equal(heard.gaps, 1, 'the watcher was told it missed changes');
      assert.deepEqual(heard.keys, Array.from({ length: 10 }, (_, i) => `k${40 + i}`), 'and then hears the ones still logged');
      await stopWatching();
    } finally {
      await writer.close();
      await a.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
