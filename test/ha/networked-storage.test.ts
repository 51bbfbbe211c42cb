// Active/standby on the networked storages: three `coffer server` processes sharing one
// PostgreSQL database or one etcd, on loopback. The same HA module as on sqlite, driven by
// their locks and change feeds (LISTEN/NOTIFY, etcd watches).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, eventually, startCluster, type Cluster } from './cluster.js';
import { createThrowawayDatabase, probeLocalPostgres, type ThrowawayDatabase } from '../storage/postgres-database.js';
import { failWithoutEtcd, skipWithoutEtcd, startEtcdInstance, type EtcdInstance } from '../support/etcd-instance.js';
import { startPostgresInstance, type PostgresInstance } from '../support/postgres-instance.js';
import { probeService } from '../support/service.js';
import { postgresHaStanza } from './shared-storages.js';

/** Election, forwarding, a standby following a policy change, step-down, SIGKILL failover, the killed node rejoining. */
async function clusterTour(cluster: Cluster): Promise<void> {
  const root = cluster.rootToken;
  const addr = (i: number) => cluster.nodes[i]!.address;
  const active = await cluster.active();
  const standby = [0, 1, 2].find((i) => i !== active)!;
  for (let i = 0; i < 3; i++) assert.equal((await api(addr(i), 'GET', 'sys/leader')).body.leader_address, addr(active));

  assert.equal((await api(addr(standby), 'POST', 'sys/mounts/secret', root, { type: 'kv', options: { version: '2' } })).status, 204);
  assert.equal((await api(addr(standby), 'POST', 'secret/data/app', root, { data: { v: 'kept' } })).status, 200);
  for (let i = 0; i < 3; i++) assert.equal((await api(addr(i), 'GET', 'secret/data/app', root)).body.data.data.v, 'kept');

  assert.equal((await api(addr(active), 'PUT', 'sys/policies/acl/watcher', root, { policy: 'path "sys/ha-status" { capabilities = ["read"] }' })).status, 204);
  const token = (await api(addr(active), 'POST', 'auth/token/create', root, { policies: ['watcher'] })).body.auth.client_token as string;
  await eventually('the standby allows the watcher', async () => ((await api(addr(standby), 'GET', 'sys/ha-status', token)).status === 200 ? true : undefined));
  assert.equal((await api(addr(active), 'PUT', 'sys/policies/acl/watcher', root, { policy: 'path "secret/*" { capabilities = ["read"] }' })).status, 204);
  await eventually('the standby to deny the watcher', async () => ((await api(addr(standby), 'GET', 'sys/ha-status', token)).status === 403 ? true : undefined), 10_000);

  // Step-down, asked through a standby: another node takes the active role; writes keep working.
  assert.equal((await api(addr(standby), 'PUT', 'sys/step-down', root)).status, 204);
  const stepped = await eventually('another node to become active after the step-down', async () => {
    const now = await cluster.active();
    return now !== active ? now : undefined;
  });
  assert.equal((await api(addr(active), 'GET', 'sys/health')).status, 429);
  assert.equal((await api(addr(active), 'POST', 'secret/data/app', root, { data: { v: 'kept' } })).status, 200);

  await cluster.nodes[stepped]!.process!.kill();
  const next = await cluster.active();
  assert.notEqual(next, stepped);
  assert.equal((await api(addr(next), 'GET', 'secret/data/app', root)).body.data.data.v, 'kept');
  const other = [0, 1, 2].find((i) => i !== stepped && i !== next)!;
  assert.equal((await api(addr(other), 'POST', 'secret/data/after', root, { data: { v: 'new' } })).status, 200);
  assert.equal((await api(addr(next), 'GET', 'secret/data/after', root)).body.data.data.v, 'new');

  // The killed node restarts, unseals and rejoins as a standby that sees what was written meanwhile.
  await cluster.start(stepped);
  await eventually('the restarted node to answer as a standby', async () => ((await api(addr(stepped), 'GET', 'sys/health')).status === 429 ? true : undefined));
  assert.equal((await api(addr(stepped), 'GET', 'sys/leader')).body.leader_address, addr(next));
  assert.equal((await api(addr(stepped), 'GET', 'secret/data/after', root)).body.data.data.v, 'new');
}

const postgres = await probeLocalPostgres();

describe('HA on postgresql: three server processes', { skip: postgres.skip }, () => {
  let db: ThrowawayDatabase;
  let cluster: Cluster;
  before(async () => {
    postgres.failUnderCi();
    db = await createThrowawayDatabase('ha');
    cluster = await startCluster(3, '', `storage "postgresql" {\n  connection_url = "${db.url}"\n  max_parallel = "4"\n  ha_enabled = "true"\n  ha_lock_ttl = "3s"\n}`);
  });
  after(async () => {
    await cluster?.stop();
    await db?.drop();
  });
  it('election, forwarding, a standby following changes, failover after SIGKILL', () => clusterTour(cluster));
});

describe('HA on etcd: three server processes', { skip: skipWithoutEtcd() }, () => {
  let etcd: EtcdInstance;
  let cluster: Cluster;
  before(async () => {
    failWithoutEtcd();
    etcd = await startEtcdInstance();
    cluster = await startCluster(3, '', `storage "etcd" {\n  address = "${etcd.endpoint}"\n  ha_enabled = "true"\n  lock_timeout = "3s"\n}`);
  });
  after(async () => {
    await cluster?.stop();
    await etcd?.stop();
  });
  it('election, forwarding, a standby following changes, failover after SIGKILL', () => clusterTour(cluster));

  it('the active node steps down while etcd is unreachable, and the cluster serves again when it returns', async () => {
    const root = cluster.rootToken;
    await cluster.active();
    const restarting = etcd.restart(8000);
    // The lock cannot be renewed: within its timeout no node acts as active any more.
    await eventually('no active node while etcd is down', async () => {
      const codes = await cluster.healthCodes();
      return [...codes.values()].every((c) => c !== 200) ? true : undefined;
    }, 15_000);
    await restarting;
    const back = await cluster.active();
    const write = await eventually('a write after etcd returned', async () => {
      const res = await api(cluster.nodes[back]!.address, 'POST', 'secret/data/after-outage', root, { data: { v: 'ok' } });
      return res.status === 200 ? res : undefined;
    });
    assert.equal(write.status, 200);
    assert.equal((await api(cluster.nodes[back]!.address, 'GET', 'secret/data/app', root)).body.data.data.v, 'kept');
  });
});

let privatePostgres: PostgresInstance | undefined;
const stoppablePostgres = await probeService('a throwaway PostgreSQL cluster (initdb, pg_ctl)', async () => {
  privatePostgres = await startPostgresInstance();
});

describe('HA on a PostgreSQL that goes away: three server processes', { skip: stoppablePostgres.skip }, () => {
  let cluster: Cluster;
  before(async () => {
    stoppablePostgres.failUnderCi();
    cluster = await startCluster(3, '', postgresHaStanza(privatePostgres!.url()));
  });
  after(async () => {
    await cluster?.stop();
    await privatePostgres?.destroy();
  });

  it('the active node refuses writes and steps down while the database is down, and the cluster serves again when it returns', async () => {
    const root = cluster.rootToken;
    const first = await cluster.active();
    const firstAddr = cluster.nodes[first]!.address;
    assert.equal((await api(firstAddr, 'POST', 'sys/mounts/secret', root, { type: 'kv', options: { version: '2' } })).status, 204);
    assert.equal((await api(firstAddr, 'POST', 'secret/data/app', root, { data: { v: 'kept' } })).status, 200);

    await privatePostgres!.stop();
    try {
      // A write the active node cannot store is refused, never acknowledged.
      const refused = await api(firstAddr, 'POST', 'secret/data/during-outage', root, { data: { v: 'lost' } });
      assert.ok(refused.status >= 400, `a write while the database is down answered ${refused.status}`);
      // The lock cannot be renewed: within its TTL no node acts as active any more.
      await eventually('no active node while PostgreSQL is down', async () => {
        const codes = await cluster.healthCodes();
        return [...codes.values()].every((c) => c !== 200) ? true : undefined;
      }, 15_000);
    } finally {
      await privatePostgres!.start();
    }

    const back = await cluster.active();
    const backAddr = cluster.nodes[back]!.address;
    const write = await eventually('a write after PostgreSQL returned', async () => {
      const res = await api(backAddr, 'POST', 'secret/data/after-outage', root, { data: { v: 'ok' } });
      return res.status === 200 ? res : undefined;
    });
    assert.equal(write.status, 200);
    for (let i = 0; i < 3; i++) {
      const addr = cluster.nodes[i]!.address;
      assert.equal((await api(addr, 'GET', 'secret/data/app', root)).body.data.data.v, 'kept', `node ${i} reads what was written before`);
      assert.equal((await api(addr, 'GET', 'secret/data/after-outage', root)).body.data.data.v, 'ok', `node ${i} reads what was written after`);
      assert.equal((await api(addr, 'GET', 'secret/data/during-outage', root)).status, 404, `node ${i}: the refused write left nothing`);
    }
  });
});
