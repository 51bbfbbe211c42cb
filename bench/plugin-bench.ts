// Plugins: the cost of the gRPC hop (the same K/V engine served built in and
// as an external plugin, side by side in one dev server), and how long a
// reload takes, idle and under load (with the requests that failed during it).
import { chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExamples } from '../examples/plugins/build.mjs';
import { printTable, runLoad, type LoadResult } from './load.js';
import { serverAndChildrenCpuMs } from './process-cpu.js';
import { startDevServer } from './server-process.js';

const RELOADS = 7;
const RELOAD_SPACING_MS = Number(process.env['BENCH_RELOAD_SPACING_MS'] ?? 3000);

export interface PluginBenchResult {
  rows: LoadResult[];
  cpu: CpuRow[];
  reloads: LoadResult[];
}

/** CPU time per request of one run, in microseconds, split by process. */
export interface CpuRow {
  name: string;
  serverUs: number;
  pluginUs: number;
  totalUs: number;
}

export async function pluginBench(): Promise<PluginBenchResult> {
  const pluginDir = mkdtempSync(join(tmpdir(), 'coffer-bench-plugins-'));
  // Dev mode registers every executable in -dev-plugin-dir under its file name.
  await buildExamples(pluginDir, { only: ['kv-secrets-v1'] });
  // BENCH_PROFILE_DIR=<dir>: both processes write V8 CPU profiles (.cpuprofile) there when they stop.
  const profileDir = process.env['BENCH_PROFILE_DIR'];
  if (profileDir) wrapWithProfiler(join(pluginDir, 'kv-secrets-v1'), profileDir);
  // Reloads in place, measured below, take a warm spare process (plugin_warm_spares, docs/plugins.md).
  const configFile = join(pluginDir, 'bench-config.hcl');
  writeFileSync(configFile, 'plugin_warm_spares = true\n');
  const server = await startDevServer([`-dev-plugin-dir=${pluginDir}`, `-config=${configFile}`], {}, [], profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  try {
    const h = { 'X-Vault-Token': server.token };
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.address}/v1/${path}`, { method, headers: { ...h, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    };
    // The same engine twice: built in at builtin/, through the plugin at external/.
    await call('POST', 'sys/mounts/builtin', { type: 'kv', options: { version: '2' } });
    await call('POST', 'sys/mounts/external', { type: 'kv-secrets-v1', options: { version: '2' } });
    const secret = { data: { username: 'app', password: 'correct-horse-battery-staple' } };
    for (const mount of ['builtin', 'external']) await call('POST', `${mount}/data/bench`, secret);

    const cpu: CpuRow[] = [];
    // Each run's CPU (server + plugin process, from /proc) divided by the requests it completed.
    const measured = async (spec: Parameters<typeof runLoad>[0]): Promise<LoadResult> => {
      const before = serverAndChildrenCpuMs(server.child.pid!);
      const result = await runLoad(spec);
      const after = serverAndChildrenCpuMs(server.child.pid!);
      const total = Math.max(1, result.total ?? 1);
      const serverUs = Math.round(((after.server - before.server) * 1000) / total);
      const pluginUs = Math.round(((after.children - before.children) * 1000) / total);
      cpu.push({ name: spec.name, serverUs, pluginUs, totalUs: serverUs + pluginUs });
      return result;
    };
    const rows = [
      await measured({ name: 'kv v2 read, built in', url: `${server.address}/v1/builtin/data/bench`, headers: h }),
      await measured({ name: 'kv v2 read, external plugin', url: `${server.address}/v1/external/data/bench`, headers: h }),
      await measured({ name: 'kv v2 write, built in', url: `${server.address}/v1/builtin/data/bench`, method: 'POST', headers: h, body: JSON.stringify(secret) }),
      await measured({ name: 'kv v2 write, external plugin', url: `${server.address}/v1/external/data/bench`, method: 'POST', headers: h, body: JSON.stringify(secret) }),
    ];
    printTable('KV built in vs the same KV as an external plugin (coffer server -dev, autocannon 32 connections)', rows);
    printCpuTable(cpu, rows);

    const reload = async (): Promise<number> => {
      const started = performance.now();
      await call('PUT', 'sys/plugins/reload/backend', { plugin: 'kv-secrets-v1' });
      return performance.now() - started;
    };
    // Idle reloads are spaced out, as reloads are in practice: after a reload
    // the server starts a warm spare process for the next one (docs/plugins.md),
    // and a reload right behind another waits for that spare to finish starting.
    const idle: number[] = [];
    for (let i = 0; i < RELOADS; i++) {
      idle.push(await reload());
      await new Promise((r) => setTimeout(r, RELOAD_SPACING_MS));
    }

    // Reloads while autocannon reads the plugin's mount: every failed request would show as an error or non-2xx.
    const busy: number[] = [];
    const seconds = Math.max(5, Math.ceil((RELOADS * median(idle) * 3) / 1000) + 2);
    const load = runLoad({ name: 'reads during the reloads', url: `${server.address}/v1/external/data/bench`, headers: h, duration: seconds, connections: 16 });
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < RELOADS; i++) busy.push(await reload());
    const during = await load;

    const reloads: LoadResult[] = [
      reloadRow(`plugin reload, idle (${RELOADS} runs, ${RELOAD_SPACING_MS / 1000} s apart)`, idle),
      { ...reloadRow(`plugin reload, under load (${RELOADS} runs)`, busy), errors: during.errors, non2xx: during.non2xx },
      during,
    ];
    printTable('Plugin reload: p50 = median reload time, p99 = slowest; errors/non-2xx = failed requests during the reloads', reloads);
    return { rows, cpu, reloads };
  } finally {
    await server.stop();
    rmSync(pluginDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Reload durations as a table row: req/s is reloads per second at the median. */
function reloadRow(name: string, durations: number[]): LoadResult {
  const p50 = median(durations);
  return { name, requestsPerSecond: Math.round((1000 / p50) * 10) / 10, p50, p99: Math.max(...durations), errors: 0, non2xx: 0 };
}

/**
 * External vs built in, per operation: throughput ratio and CPU-per-request
 * ratio (built-in CPU / external CPU, so 100% means "costs the same"). The
 * CPU ratio is the one to trust on a busy machine: req/s also measures
 * whatever else the machine is doing.
 */
function printCpuTable(cpu: CpuRow[], rows: LoadResult[]): void {
  console.log('\nCPU per request (server + plugin process, µs; from /proc, 10 ms ticks)\n');
  console.log('| benchmark | server µs | plugin µs | total µs |');
  console.log('| --- | --- | --- | --- |');
  for (const row of cpu) console.log(`| ${row.name} | ${row.serverUs} | ${row.pluginUs} | ${row.totalUs} |`);
  for (const op of ['read', 'write']) {
    const builtin = cpu.find((r) => r.name === `kv v2 ${op}, built in`);
    const external = cpu.find((r) => r.name === `kv v2 ${op}, external plugin`);
    const rps = (name: string) => rows.find((r) => r.name === name)?.requestsPerSecond ?? 0;
    if (builtin && external) console.log(`kv v2 ${op}: external reaches ${((100 * rps(external.name)) / Math.max(1, rps(builtin.name))).toFixed(0)}% of built-in req/s; it costs ${(external.totalUs / Math.max(1, builtin.totalUs)).toFixed(2)}× the CPU of built in (efficiency ${((100 * builtin.totalUs) / Math.max(1, external.totalUs)).toFixed(0)}%)`);
  }
}

/** Replaces a built plugin by a shell wrapper that runs it under node --cpu-prof. */
function wrapWithProfiler(file: string, profileDir: string): void {
  renameSync(file, `${file}.js`);
  writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" --cpu-prof --cpu-prof-dir="${profileDir}" "${file}.js" "$@"\n`);
  chmodSync(file, 0o755);
}
