// HA on one machine: three `coffer server` processes sharing one sqlite file with performance
// standbys. KV v2 read throughput through 1, 2 and 3 nodes (round-robin), then failover on sqlite,
// PostgreSQL and etcd: SIGKILL of the active node under a steady write load, the time to the
// first acknowledged write after it, the failed requests, and whether every acknowledged write
// survived.
import autocannon from 'autocannon';
import { api, startCluster, type Cluster } from '../test/ha/cluster.js';
import { runFailoverUnderLoad } from '../test/ha/failover-run.js';
import { createThrowawayDatabase } from '../test/storage/postgres-database.js';
import { startEtcdInstance } from '../test/support/etcd-instance.js';

async function readThroughput(urls: string[], token: string): Promise<{ rps: number; p99: number; non2xx: number }> {
  const options = {
    url: urls,
    headers: { 'X-Vault-Token': token },
    duration: Number(process.env['BENCH_SECONDS'] ?? 5),
    connections: 16 * urls.length,
  };
  // autocannon spreads connections over the URLs in turn: a round-robin balancer.
  await autocannon({ ...options, duration: 1 } as unknown as autocannon.Options);
  const result = await autocannon(options as unknown as autocannon.Options);
  return { rps: Math.round(result.requests.average), p99: result.latency.p99, non2xx: result.non2xx };
}

export async function haBench(): Promise<void> {
  await throughputAndSqliteFailover();
  // The networked storages with their default lock TTLs (4 s), as a user would run them.
  const db = await createThrowawayDatabase('bench_ha');
  try {
    console.log(await failoverOn(`storage "postgresql" {\n  connection_url = "${db.url}"\n  ha_enabled = "true"\n}`, 'postgresql (default ha_lock_ttl 4s)'));
  } finally {
    await db.drop();
  }
  const etcd = await startEtcdInstance();
  try {
    console.log(await failoverOn(`storage "etcd" {\n  address = "${etcd.endpoint}"\n  ha_enabled = "true"\n}`, 'etcd (default lock_timeout 4s)'));
  } finally {
    await etcd.stop();
  }
}

async function throughputAndSqliteFailover(): Promise<void> {
  const cluster = await startCluster(3, 'performance_standby = true');
  try {
    const root = cluster.rootToken;
    const active = await activeNode(cluster.nodes.map((n) => n.address));
    const activeAddr = cluster.nodes[active]!.address;
    await api(activeAddr, 'POST', 'sys/mounts/secret', root, { type: 'kv', options: { version: '2' } });
    await api(activeAddr, 'POST', 'secret/data/bench', root, { data: { username: 'app', password: 'correct-horse-battery-staple' } });
    const order = [active, ...[0, 1, 2].filter((i) => i !== active)];
    const rows: string[][] = [];
    for (const n of [1, 2, 3]) {
      const urls = order.slice(0, n).map((i) => `${cluster.nodes[i]!.address}/v1/secret/data/bench`);
      const r = await readThroughput(urls, root);
      rows.push([`kv v2 read, ${n} node${n > 1 ? 's' : ''}`, String(r.rps), r.p99.toFixed(1), String(r.non2xx)]);
    }
    console.log('\nHA: KV v2 read through 1–3 nodes on one sqlite file (performance standbys, round-robin)\n');
    console.log('| benchmark | req/s | p99 ms | non-2xx |\n| --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);

    console.log('\nHA failover: SIGKILL of the active node under 8 writers round-robin over 3 nodes\n');
    console.log('| storage | first acknowledged write after the kill | failed requests | acknowledged writes | lost |\n| --- | --- | --- | --- | --- |');
    console.log(await failover(cluster, 'sqlite (ha_lock_ttl 2s)'));
  } finally {
    await cluster.stop();
  }
}

async function activeNode(addresses: string[]): Promise<number> {
  for (;;) {
    const codes = await Promise.all(addresses.map(async (a) => (await api(a, 'GET', 'sys/health')).status));
    if (codes.filter((c) => c === 200).length === 1) return codes.indexOf(200);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGKILL of the active node under 8 writers (test/ha/failover-run.ts), as a table row. */
async function failover(cluster: Cluster, label: string): Promise<string> {
  const run = await runFailoverUnderLoad(cluster, { writers: 8, writesEachSide: 150 });
  const first = run.firstWriteAfterKillMs === undefined ? 'none in 30 s' : `${run.firstWriteAfterKillMs} ms`;
  return `| ${label} | ${first} | ${run.failedAfterKill.length} | ${run.acknowledged} | ${run.lost.length} |`;
}

/** failover() on a cluster of its own over `storageStanza`. */
async function failoverOn(storageStanza: string, label: string): Promise<string> {
  const cluster = await startCluster(3, '', storageStanza);
  try {
    return await failover(cluster, label);
  } finally {
    await cluster.stop();
  }
}
