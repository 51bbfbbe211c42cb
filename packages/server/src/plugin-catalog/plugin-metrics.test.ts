import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreMetrics } from '../metrics/core-metrics.js';
import { measuredLauncher } from './plugin-metrics.js';
import type { Launcher, PooledProcess } from './process-pool.js';

/** A launcher whose processes end when the test says, as `requested` (kill) or not (crash). */
function launcherWithEndings(): { launch: Launcher; end: (requested: boolean) => void } {
  const endings: ((requested: boolean) => void)[] = [];
  const launch: Launcher = async (spec) => {
    if (spec.name === 'broken') throw new Error('no handshake');
    let end!: (requested: boolean) => void;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; requested: boolean }>((resolve) => {
      end = (requested) => resolve({ code: requested ? 0 : 1, signal: null, requested });
    });
    endings.push(end);
    return { name: spec.name, exited } as unknown as PooledProcess;
  };
  return { launch, end: (requested) => endings.shift()!(requested) };
}

test('launches, launch failures and exits are counted by plugin, crashes apart from requested stops', async () => {
  const metrics = new CoreMetrics();
  const { launch, end } = launcherWithEndings();
  const measured = measuredLauncher(launch, metrics);
  const spec = { command: '/bin/true', args: [], env: [] };
  await measured({ ...spec, name: 'kv-ext' });
  await measured({ ...spec, name: 'kv-ext' });
  await assert.rejects(measured({ ...spec, name: 'broken' }), /no handshake/);
  end(false);
  end(true);
  await new Promise((resolve) => setImmediate(resolve));

  const counters = metrics.json().Counters as { Name: string; Count: number; Sum: number; Labels: Record<string, string> }[];
  const sum = (name: string, labels: Record<string, string>) =>
    counters.filter((c) => c.Name === name && Object.entries(labels).every(([k, v]) => c.Labels[k] === v)).reduce((n, c) => n + c.Sum, 0);
  assert.equal(sum('vault.plugin.launches', { plugin_name: 'kv-ext' }), 2);
  assert.equal(sum('vault.plugin.launch_failure', { plugin_name: 'broken' }), 1);
  assert.equal(sum('vault.plugin.exit', { plugin_name: 'kv-ext', unexpected: 'true' }), 1);
  assert.equal(sum('vault.plugin.exit', { plugin_name: 'kv-ext', unexpected: 'false' }), 1);
  const launchTimer = (metrics.json().Samples as { Name: string; Count: number }[]).find((s) => s.Name === 'vault.plugin.launch');
  assert.equal(launchTimer?.Count, 2);
});
