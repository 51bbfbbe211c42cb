// SIGKILL of the active node while writers send KV writes to every node in turn (a round-robin
// load balancer that takes the dead node out of its rotation, as a health check would), then
// every acknowledged write is read back. Shared by test/ha/failover-under-load.test.ts (which
// asserts) and `npm run bench` (which reports).
import { api, type Cluster } from './cluster.js';

export interface FailoverRun {
  /** Writes acknowledged before and after the kill. */
  acknowledged: number;
  acknowledgedAfterKill: number;
  /** From the kill to the first acknowledged write after it (ms); undefined when none came. */
  firstWriteAfterKillMs: number | undefined;
  /** Requests sent after the kill that did not succeed, each as "status body" or the client's error. */
  failedAfterKill: string[];
  /** Acknowledged writes missing or different when read back from the new active node. */
  lost: string[];
  killed: number;
  next: number;
}

export interface FailoverOptions {
  writers: number;
  /** Acknowledged writes to wait for before the kill, and after it. */
  writesEachSide: number;
  /** The KV v2 mount to write to (created if missing). */
  mount?: string;
}

export async function runFailoverUnderLoad(cluster: Cluster, options: FailoverOptions): Promise<FailoverRun> {
  const root = cluster.rootToken;
  const mount = options.mount ?? 'failover';
  const killed = await cluster.active();
  const killedAddress = cluster.nodes[killed]!.address;
  if ((await api(killedAddress, 'GET', `sys/mounts/${mount}`, root)).status !== 200) {
    const mounted = await api(killedAddress, 'POST', `sys/mounts/${mount}`, root, { type: 'kv', options: { version: '2' } });
    if (mounted.status !== 204) throw new Error(`could not mount ${mount}/: ${JSON.stringify(mounted.body)}`);
  }

  const acknowledged = new Map<string, string>();
  const failedAfterKill: string[] = [];
  let killedAt = 0;
  let firstWriteAt = 0;
  let stop = false;
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const node = cluster.nodes[(w + i) % cluster.nodes.length]!;
      if (killedAt > 0 && node.address === killedAddress) continue;
      const path = `${mount}/data/w${w}/k${i}`;
      const value = `v-${w}-${i}`;
      let failure: string | undefined;
      try {
        const res = await api(node.address, 'POST', path, root, { data: { value } });
        if (res.status === 200) {
          acknowledged.set(path, value);
          if (killedAt > 0 && firstWriteAt === 0) firstWriteAt = Date.now();
        } else failure = `${res.status} ${JSON.stringify(res.body)}`;
      } catch (err) {
        failure = `no answer from ${node.address === killedAddress ? 'the killed node' : node.address}: ${String(err)}`;
      }
      if (failure !== undefined && killedAt > 0) failedAfterKill.push(failure);
      if (failure !== undefined) await new Promise((r) => setTimeout(r, 20));
    }
  };
  const writers = Array.from({ length: options.writers }, (_, w) => writer(w));
  const waitFor = async (n: number): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (acknowledged.size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };
  await waitFor(options.writesEachSide);
  await cluster.nodes[killed]!.process!.kill();
  killedAt = Date.now();
  const beforeKill = acknowledged.size;
  await waitFor(beforeKill + options.writesEachSide);
  stop = true;
  await Promise.all(writers);

  const next = await cluster.active();
  const lost: string[] = [];
  for (const [path, value] of acknowledged) {
    const res = await api(cluster.nodes[next]!.address, 'GET', path, root);
    if (res.status !== 200 || res.body.data.data.value !== value) lost.push(path);
  }
  return {
    acknowledged: acknowledged.size,
    acknowledgedAfterKill: acknowledged.size - beforeKill,
    firstWriteAfterKillMs: firstWriteAt > 0 ? firstWriteAt - killedAt : undefined,
    failedAfterKill,
    lost,
    killed,
    next,
  };
}
