import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { silentLogger } from '@coffer/sdk';
import { openSqlite, SQLITE_FILE_NAME, type SqliteBackend } from '../physical/sqlite.js';
import { HaNode, type HaHooks } from './ha-node.js';

/** What one node's hooks saw. */
class Recorder implements HaHooks {
  events: string[] = [];
  changes: string[] = [];
  gaps = 0;
  async becomeActive() {
    this.events.push('active');
  }
  async becomeStandby() {
    this.events.push('standby');
  }
  async changed(key: string) {
    this.changes.push(key);
  }
  async gap() {
    this.gaps++;
  }
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HaNode: two nodes on one sqlite file', () => {
  let dir: string;
  let storeA: SqliteBackend;
  let storeB: SqliteBackend;
  const config = () => ({ path: dir, ha_enabled: 'true', ha_lock_ttl: '600ms', ha_poll_interval: '20ms' });
  const nodeOn = (store: SqliteBackend, name: string) =>
    new HaNode({
      backend: store,
      self: { nodeId: name, apiAddress: `http://${name}.test:8200`, clusterAddress: `https://${name}.test:8201` },
      hostname: name,
      forwarding: true,
      logger: silentLogger,
      stepDownWaitMs: 300,
      leaderCacheMs: 0,
    });

  before(async () => {
    dir = fs.mkdtempSync(join(os.tmpdir(), 'coffer-ha-node-'));
    storeA = await openSqlite(config(), silentLogger);
    storeB = await openSqlite(config(), silentLogger);
  });
  after(async () => {
    await storeA.close();
    await storeB.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('one node becomes active; the other follows its changes; step-down and a stolen lock hand over', async () => {
    const a = nodeOn(storeA, 'a');
    const b = nodeOn(storeB, 'b');
    const hooksA = new Recorder();
    const hooksB = new Recorder();
    assert.equal(a.role, 'sealed');
    assert.equal((await a.status()).enabled, true);

    await a.start(hooksA);
    await until('a active', () => a.role === 'active');
    await b.start(hooksB);
    assert.equal(b.role, 'standby');
    // Each node starts over once when it begins following changes (what happened before is unknown).
    await until('b re-read everything once', () => hooksB.gaps === 1);

    const fromB = await b.status();
    assert.deepEqual(
      { isSelf: fromB.isSelf, standby: fromB.standby, leader: fromB.leaderAddress, cluster: fromB.leaderClusterAddress },
      { isSelf: false, standby: true, leader: 'http://a.test:8200', cluster: 'https://a.test:8201' },
    );
    const fromA = await a.status();
    assert.equal(fromA.isSelf, true);
    assert.ok(fromA.activeTime instanceof Date);

    await storeA.put({ key: 'sys/policy/p', value: Buffer.from('x') });
    await until('b heard the change', () => hooksB.changes.includes('sys/policy/p'));
    assert.ok(!hooksA.changes.includes('sys/policy/p'), 'a node is not told about its own writes');

    // Step-down: a stops the active work before answering; b takes over.
    await a.stepDown();
    assert.equal(a.role, 'standby');
    assert.deepEqual(hooksA.events, ['active', 'standby']);
    await until('b active', () => b.role === 'active');
    assert.deepEqual(hooksB.events, ['active']);
    assert.equal((await a.status()).leaderAddress, 'http://b.test:8200');
    // A standby's step-down does nothing.
    await a.stepDown();
    assert.equal(b.role, 'active');

    // Another process takes the lock row from under b (as after b stalled past its TTL): b steps down at once.
    const other = new Database(join(dir, SQLITE_FILE_NAME), { timeout: 5000 });
    try {
      other.prepare("UPDATE ha_locks SET holder = 'intruder', valid_until = ? WHERE name = 'core/lock'").run(Date.now() + 1500);
    } finally {
      other.close();
    }
    await until('b stepped down', () => b.role === 'standby');
    assert.deepEqual(hooksB.events, ['active', 'standby']);
    // Once the intruder's lease runs out, one of the two is active again.
    await until('a new active node', () => a.role === 'active' || b.role === 'active');

    await a.stop();
    await b.stop();
    assert.equal(a.role, 'sealed');
    assert.equal(b.role, 'sealed');
    assert.equal(hooksA.events.at(-1) === 'standby' && hooksB.events.at(-1) === 'standby', true, 'whoever was active stopped its work at seal');
  });
});
