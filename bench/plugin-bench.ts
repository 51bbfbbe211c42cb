// Plugins: the cost of the gRPC hop (the same K/V engine served built in and
// as an external plugin, side by side in one dev server), and how long a
// reload takes, idle and under load (with the requests that failed during it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExamples } from '../examples/plugins/build.mjs';
import { printTable, runLoad, type LoadResult } from './load.js';
import { startDevServer } from './server-process.js';

const RELOADS = 7;

export interface PluginBenchResult {
  rows: LoadResult[];
  reloads: LoadResult[];
}

export async function pluginBench(): Promise<PluginBenchResult> {
  const pluginDir = mkdtempSync(join(tmpdir(), 'coffer-bench-plugins-'));
  // Dev mode registers every executable in -dev-plugin-dir under its file name.
  await buildExamples(pluginDir, { only: ['kv-secrets-v1'] });
  const server = await startDevServer([`-dev-plugin-dir=${pluginDir}`]);
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

    const rows = [
      await runLoad({ name: 'kv v2 read, built in', url: `${server.address}/v1/builtin/data/bench`, headers: h }),
      await runLoad({ name: 'kv v2 read, external plugin', url: `${server.address}/v1/external/data/bench`, headers: h }),
      await runLoad({ name: 'kv v2 write, built in', url: `${server.address}/v1/builtin/data/bench`, method: 'POST', headers: h, body: JSON.stringify(secret) }),
      await runLoad({ name: 'kv v2 write, external plugin', url: `${server.address}/v1/external/data/bench`, method: 'POST', headers: h, body: JSON.stringify(secret) }),
    ];
    printTable('KV built in vs the same KV as an external plugin (coffer server -dev, autocannon 32 connections)', rows);

    const reload = async (): Promise<number> => {
      const started = performance.now();
      await call('PUT', 'sys/plugins/reload/backend', { plugin: 'kv-secrets-v1' });
      return performance.now() - started;
    };
    const idle: number[] = [];
    for (let i = 0; i < RELOADS; i++) idle.push(await reload());

    // Reloads while autocannon reads the plugin's mount: every failed request would show as an error or non-2xx.
    const busy: number[] = [];
    const seconds = Math.max(5, Math.ceil((RELOADS * median(idle) * 3) / 1000) + 2);
    const load = runLoad({ name: 'reads during the reloads', url: `${server.address}/v1/external/data/bench`, headers: h, duration: seconds, connections: 16 });
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < RELOADS; i++) busy.push(await reload());
    const during = await load;

    const reloads: LoadResult[] = [
      reloadRow(`plugin reload, idle (${RELOADS} runs)`, idle),
      { ...reloadRow(`plugin reload, under load (${RELOADS} runs)`, busy), errors: during.errors, non2xx: during.non2xx },
      during,
    ];
    printTable('Plugin reload: p50 = median reload time, p99 = slowest; errors/non-2xx = failed requests during the reloads', reloads);
    return { rows, reloads };
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
