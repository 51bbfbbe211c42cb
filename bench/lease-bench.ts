// Leases at scale (BENCH_ONLY=leases): a million leases held, a restart +
// unseal that answers at once while they load in the background, and a
// mass expiry of 100,000 leases while other requests keep their latency.
//
//   BENCH_LEASES    leases held (default 1,000,000)
//   BENCH_EXPIRING  leases that expire together (default 100,000)
//   BENCH_SECONDS   length of each load run (default 5)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type TxnOp } from '@coffer/sdk';
import { createPhysical, type PhysicalBackend } from '@coffer/server/physical/index.js';
import { startInProcessServer } from '@coffer/server/testing/in-process-server.js';
import { COFFER_BIN, freePort } from '../test/support/coffer-process.js';
import { groupCommit } from './group-commit.js';
import { printTable, runLoad, type LoadResult } from './load.js';

const MOUNT_DEFAULTS = { defaultTtl: 3600, maxTtl: 90 * 24 * 3600 };

export interface LeaseBenchResult {
  leases: number;
  expiring: number;
  fillPerSecond: number;
  heapBytesPerLease: number;
  /** Process start → first answered request, and unseal call → first answered request (ms). */
  startToFirstAnswerMs: number;
  unsealToFirstAnswerMs: number;
  restoreMs: number;
  serverRssMb: number;
  expiryMs: number;
  baseline: LoadResult;
  duringExpiry: LoadResult;
  afterExpiry: LoadResult;
}

export async function leaseBench(): Promise<LeaseBenchResult> {
  const leases = Number(process.env['BENCH_LEASES'] ?? 1_000_000);
  const expiring = Number(process.env['BENCH_EXPIRING'] ?? 100_000);
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'coffer-lease-bench-'));
  const dataDir = join(dir, 'data');
  try {
    // 1. Fill: the held leases, written through the barrier by the lease manager itself.
    const fill = await inProcess(dataDir, async (s) => {
      await s.request('POST', 'secret/data/bench', { data: { password: 'correct-horse-battery-staple' } });
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();
      await parallel(leases, 2000, () =>
        s.core.expiration.registerSecret({
          path: 'secret/creds/held',
          owner: { tokenKey: '', tokenType: 'service' },
          response: { secret: { ttl: 60 * 24 * 3600, maxTtl: 0, renewable: true, internalData: {} } },
          mountDefaults: MOUNT_DEFAULTS,
        }),
      );
      const fillSeconds = (performance.now() - started) / 1000;
      gc();
      const heapBytesPerLease = Math.max(0, (process.memoryUsage().heapUsed - heapBefore) / leases);
      return { fillPerSecond: Math.round(leases / fillSeconds), heapBytesPerLease, rootToken: s.rootToken, unsealKey: s.unsealKey };
    });
    console.log(`lease bench: ${leases} leases written (${fill.fillPerSecond}/s)`);

    // 2. Restart: a real server process on that storage; unseal; how soon does it answer, how long until all leases are loaded?
    const first = await startServer(dataDir, dir);
    let restart: Awaited<ReturnType<typeof unsealAndWait>>;
    try {
      restart = await unsealAndWait(first, fill.unsealKey, fill.rootToken, leases);
    } finally {
      await first.stop();
    }
    console.log(`lease bench: answered ${restart.unsealToFirstAnswerMs.toFixed(0)} ms after unseal; ${leases} leases restored in ${restart.restoreMs.toFixed(0)} ms`);

    // 3. Mass expiry: add leases that all expire once the restarted server has restored everything and measured a baseline.
    // The second restore holds 10% more leases and the machine is shared: leave it half again as long.
    const expiryDelayMs = 1.5 * (restart.restoreMs + restart.startToFirstAnswerMs) + (seconds + 15) * 1000;
    let expireAt = 0;
    await inProcess(dataDir, async (s) => {
      expireAt = Date.now() + expiryDelayMs;
      const ttl = Math.ceil(expiryDelayMs / 1000);
      let i = 0;
      await parallel(expiring, 2000, () =>
        s.core.expiration.registerAuth({
          path: 'auth/token/create',
          tokenKey: `bench-${i++}`,
          auth: { ttl, maxTtl: 0, renewable: false, policies: ['default'], metadata: {}, displayName: 'token' },
          mountDefaults: MOUNT_DEFAULTS,
        }),
      );
    });
    const second = await startServer(dataDir, dir);
    try {
      const total = leases + expiring;
      await unsealAndWait(second, fill.unsealKey, fill.rootToken, total);
      const url = `${second.address}/v1/secret/data/bench`;
      const headers = { 'X-Vault-Token': fill.rootToken };
      const baseline = await runLoad({ name: `kv read, ${total} leases held, none expiring`, url, headers, duration: seconds });
      if (Date.now() > expireAt - 500) console.log('lease bench: warning: the expiry began before the baseline ended');
      await sleep(Math.max(0, expireAt - Date.now() - 200));
      const expiryStarted = Date.now();
      const load = runLoad({ name: `kv read while ${expiring} leases expire`, url, headers, duration: seconds });
      const expiryMs = await waitForCount(second, fill.rootToken, leases, 600_000).then(() => Date.now() - expiryStarted);
      const duringExpiry = await load;
      // The machine is shared: a second baseline after the expiry shows how much of a difference is noise.
      const afterExpiry = await runLoad({ name: `kv read, after the expiry`, url, headers, duration: seconds });
      const serverRssMb = rssMb(second.child);
      const result: LeaseBenchResult = {
        leases,
        expiring,
        fillPerSecond: fill.fillPerSecond,
        heapBytesPerLease: Math.round(fill.heapBytesPerLease),
        startToFirstAnswerMs: Math.round(restart.startToFirstAnswerMs),
        unsealToFirstAnswerMs: Math.round(restart.unsealToFirstAnswerMs),
        restoreMs: Math.round(restart.restoreMs),
        serverRssMb: Math.max(serverRssMb, restart.rssMb),
        expiryMs,
        baseline,
        duringExpiry,
        afterExpiry,
      };
      printTable(`Leases: other requests while ${expiring} of ${total} leases expire (coffer server on sqlite, autocannon 32 connections)`, [baseline, duringExpiry, afterExpiry]);
      console.log(
        [
          '',
          `| leases held | fill (bench setup) | restart: start → first answer | unseal → first answer | background restore | server RSS | heap per lease | mass expiry of ${expiring} | p99 during / before | p99 during / after |`,
          '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
          `| ${leases} | ${result.fillPerSecond}/s | ${result.startToFirstAnswerMs} ms | ${result.unsealToFirstAnswerMs} ms | ${result.restoreMs} ms | ${result.serverRssMb} MB | ${result.heapBytesPerLease} B | ${expiryMs} ms | ${(duringExpiry.p99 / Math.max(baseline.p99, 1)).toFixed(2)}x | ${(duringExpiry.p99 / Math.max(afterExpiry.p99, 1)).toFixed(2)}x |`,
        ].join('\n'),
      );
      return result;
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A dev-mode (first time) or unsealed in-process server on the sqlite data, with group commit for the bulk writes. */
async function inProcess<T>(dataDir: string, work: (s: Awaited<ReturnType<typeof startInProcessServer>>) => Promise<T>): Promise<T> {
  const sqlite = (await createPhysical('sqlite', { path: dataDir }, silentLogger)) as PhysicalBackend & { transaction(ops: TxnOp[]): Promise<void> };
  const physical = groupCommit(sqlite);
  const fresh = !(await sqlite.list('')).length;
  const s = await startInProcessServer({ physical, storageType: 'sqlite', dev: fresh });
  try {
    if (!fresh) {
      const saved = JSON.parse(readFileSync(join(dataDir, '..', 'keys.json'), 'utf8')) as { rootToken: string; unsealKey: string };
      s.rootToken = saved.rootToken;
      const res = await s.request('PUT', 'sys/unseal', { key: saved.unsealKey }, { token: null });
      if (res.status !== 200 || res.body.sealed) throw new Error(`unseal failed: ${JSON.stringify(res.body)}`);
    } else {
      writeFileSync(join(dataDir, '..', 'keys.json'), JSON.stringify({ rootToken: s.rootToken, unsealKey: s.unsealKey }));
    }
    return await work(s);
  } finally {
    await s.close();
  }
}

interface ServerProcess {
  address: string;
  child: ChildProcess;
  startedAt: number;
  listeningAt: number;
  output: () => string;
  stop(): Promise<void>;
}

async function startServer(dataDir: string, dir: string): Promise<ServerProcess> {
  const port = await freePort();
  const configPath = join(dir, 'coffer.hcl');
  writeFileSync(configPath, `storage "sqlite" {\n  path = "${dataDir}"\n}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\n`);
  const startedAt = performance.now();
  const child = spawn(process.execPath, [COFFER_BIN, 'server', `-config=${configPath}`, '-log-level=info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const address = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`coffer server exited:\n${out}`);
    try {
      await fetch(`${address}/v1/sys/health`);
      break;
    } catch {
      await sleep(20);
    }
    if (performance.now() - startedAt > 60_000) throw new Error(`coffer server did not listen within 60 s:\n${out}`);
  }
  return {
    address,
    child,
    startedAt,
    listeningAt: performance.now(),
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function unsealAndWait(server: ServerProcess, unsealKey: string, token: string, expected: number): Promise<{ startToFirstAnswerMs: number; unsealToFirstAnswerMs: number; restoreMs: number; rssMb: number }> {
  const unsealAt = performance.now();
  const res = await fetch(`${server.address}/v1/sys/unseal`, { method: 'PUT', body: JSON.stringify({ key: unsealKey }) });
  if (res.status !== 200) throw new Error(`unseal: ${res.status} ${await res.text()}`);
  await res.text();
  let answeredAt = 0;
  for (;;) {
    const read = await fetch(`${server.address}/v1/secret/data/bench`, { headers: { 'X-Vault-Token': token } });
    await read.text();
    if (read.status === 200) {
      answeredAt = performance.now();
      break;
    }
    await sleep(5);
  }
  await waitForCount(server, token, expected, 600_000, true);
  const restoredAt = performance.now();
  return {
    startToFirstAnswerMs: answeredAt - server.startedAt,
    unsealToFirstAnswerMs: answeredAt - unsealAt,
    restoreMs: restoredAt - unsealAt,
    rssMb: rssMb(server.child),
  };
}

/** Polls sys/leases/count?type=all until it reaches `expected` (at least, or exactly down to it). */
async function waitForCount(server: ServerProcess, token: string, expected: number, timeoutMs: number, atLeast = false): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${server.address}/v1/sys/leases/count?type=all`, { headers: { 'X-Vault-Token': token } });
    const body = (await res.json()) as { data?: { lease_count?: number } };
    const count = body.data?.lease_count ?? -1;
    if (atLeast ? count >= expected : count === expected) return;
    if (performance.now() > deadline) throw new Error(`lease count stayed at ${count}, expected ${expected}`);
    await sleep(100);
  }
}

function rssMb(child: ChildProcess): number {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

async function parallel(count: number, concurrency: number, task: () => Promise<unknown>): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (started < count) {
        started++;
        await task();
      }
    }),
  );
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
