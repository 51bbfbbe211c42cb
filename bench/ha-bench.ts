// HA on one machine: three `coffer server` processes sharing one sqlite file with performance
// standbys. KV v2 read throughput through 1, 2 and 3 nodes (round-robin), then failover: SIGKILL
// of the active node under a steady write load, the time to the first acknowledged write after
// it, the failed requests, and whether every acknowledged write survived.
import autocannon from 'autocannon';
import { api, startCluster } from '../test/ha/cluster.js';

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

    // Failover under a write load through every node.
    const acknowledged = new Map<string, string>();
    let failed = 0;
    let killedAt = 0;
    let firstAfterKill = 0;
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const node = cluster.nodes[(w + i) % 3]!;
        const path = `secret/data/failover/w${w}/k${i}`;
        try {
          const res = await api(node.address, 'POST', path, root, { data: { v: `${w}-${i}` } });
          if (res.status === 200) {
            acknowledged.set(path, `${w}-${i}`);
            if (killedAt > 0 && firstAfterKill === 0) firstAfterKill = Date.now();
          } else failed++;
        } catch {
          failed++;
        }
        if (killedAt > 0 && firstAfterKill === 0) await new Promise((r) => setTimeout(r, 10));
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 1000));
    const failedBefore = failed;
    await cluster.nodes[active]!.process!.kill();
    killedAt = Date.now();
    while (firstAfterKill === 0 && Date.now() - killedAt < 30_000) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(writers);
    const survivor = cluster.nodes[order[1]!]!.address;
    let lost = 0;
    for (const [path, v] of acknowledged) {
      const res = await api(survivor, 'GET', path, root);
      if (res.status !== 200 || res.body.data.data.v !== v) lost++;
    }
    console.log('\nHA failover: SIGKILL of the active node under 8 writers round-robin over 3 nodes (ha_lock_ttl 2s)\n');
    console.log('| first acknowledged write after the kill | failed requests | acknowledged writes | lost |\n| --- | --- | --- | --- |');
    console.log(`| ${firstAfterKill ? `${firstAfterKill - killedAt} ms` : 'none in 30 s'} | ${failed - failedBefore} | ${acknowledged.size} | ${lost} |`);
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
