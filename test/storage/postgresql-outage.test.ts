// The postgresql storage backend when its database goes away and comes
// back: the HA lock holder gives the lock up once it could not renew for a
// TTL, the change feed reports a gap after reconnecting, and reads and
// writes work again without reopening the backend. Runs on a private
// PostgreSQL cluster (initdb + pg_ctl) that the test can stop and start.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@coffer/sdk';
import { openPostgresql, type PostgresqlBackend } from '@coffer/server/physical/postgresql.js';
import { startPostgresInstance, type PostgresInstance } from '../support/postgres-instance.js';
import { eventually, probeService } from '../support/service.js';

let instance: PostgresInstance | undefined;
const cluster = await probeService('a throwaway PostgreSQL cluster (initdb, pg_ctl)', async () => {
  instance = await startPostgresInstance();
});

describe('postgresql storage through a database outage', { skip: cluster.skip }, () => {
  let storage: PostgresqlBackend;
  before(async () => {
    cluster.failUnderCi();
    storage = await openPostgresql({ connection_url: instance!.url(), ha_enabled: 'true', max_parallel: '4' }, silentLogger, {
      lockTiming: { ttlMs: 1500, renewMs: 200, retryMs: 100 },
      reconnectMs: 100,
    });
  });
  after(async () => {
    await storage?.close();
    await instance?.destroy();
  });

  it('loses the lock within the TTL, reports a gap, and works again when the database is back', async () => {
    await storage.put({ key: 'before/outage', value: Buffer.from('kept') });
    const held = await storage.lockWith('core/lock', 'me').acquire(new AbortController().signal);
    assert.ok(held);
    let gaps = 0;
    const changes: string[] = [];
    const stopWatching = await storage.watchChanges({ onChange: (k) => changes.push(k), onGap: () => void gaps++ });
    try {
      const lost = new Promise<unknown>((resolve) => held.addEventListener('abort', () => resolve(held.reason), { once: true }));
      await instance!.stop();
      assert.match(String(await lost), /unreachable for longer than the lock TTL/);
      await assert.rejects(storage.get('before/outage'), /postgresql storage: query failed/);

      await instance!.start();
      assert.deepEqual((await storage.get('before/outage'))?.value, Buffer.from('kept'));
      assert.ok(await eventually(async () => gaps >= 1, 10_000, 50), 'no gap after the LISTEN connection came back');
      await storage.put({ key: 'after/outage', value: Buffer.from('written') });
      assert.ok(await eventually(async () => changes.includes('after/outage'), 5000, 20));
      // The lock can be taken again.
      const again = await storage.lockWith('core/lock', 'me').acquire(new AbortController().signal);
      assert.ok(again && !again.aborted);
    } finally {
      await stopWatching();
    }
  });
});
