// Performance standbys on each storage a cluster can share: two `coffer server` processes; the
// standby serves reads itself after catching up with its change feed (sqlite's change log,
// PostgreSQL's NOTIFY marker, etcd's watch progress request or marker write), so a read on it
// never misses a write the active node acknowledged.
import assert from 'node:assert/strict';
import { api, eventually, startCluster } from './cluster.js';
import { onEveryHaStorage } from './shared-storages.js';

onEveryHaStorage('performance standbys: each write on the active node is read back at once from the standby, which answers itself', async (storageStanza) => {
  const cluster = await startCluster(2, 'performance_standby = true', storageStanza);
  try {
    const root = cluster.rootToken;
    const codes = await eventually('one active node and one performance standby', async () => {
      const found = await Promise.all(cluster.nodes.map(async (n) => (await api(n.address, 'GET', 'sys/health')).status));
      return found.includes(200) && found.includes(473) ? found : undefined;
    });
    const active = cluster.nodes[codes.indexOf(200)]!.address;
    const standbyNode = cluster.nodes[codes.indexOf(473)]!;
    const standby = standbyNode.address;
    assert.equal((await api(standby, 'GET', 'sys/leader')).body.performance_standby, true);
    // Mounted on the active node just before the first read: the standby's catch-up brings its mount table along.
    assert.equal((await api(active, 'POST', 'sys/mounts/secret', root, { type: 'kv', options: { version: '2' } })).status, 204);
    for (let i = 0; i < 15; i++) {
      assert.equal((await api(active, 'POST', 'secret/data/counter', root, { data: { i } })).status, 200);
      // No forwarding allowed: only a standby serving the read itself can answer 200.
      const read = await api(standby, 'GET', 'secret/data/counter', root, undefined, { 'X-Vault-No-Request-Forwarding': 'true' });
      // On failure, the standby's log says why it did not serve the read (a catch-up that failed, a hand-off).
      assert.equal(read.status, 200, `round ${i}: ${JSON.stringify(read.body)}\n${standbyNode.process?.output().slice(-3000)}`);
      assert.equal(read.body.data.data.i, i);
    }
  } finally {
    await cluster.stop();
  }
});
