// Cluster-wide plugin reload: sys/plugins/reload/backend with scope=global
// reaches every node of an HA cluster (three `coffer server` processes with
// performance standbys, on each storage a cluster can share), each node
// reloads its own mounts from its own plugin_directory, and reload-status
// names every node.
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { builtExamples, sha256Of, V2_WARNING, warningsOf } from '../plugins/support.js';
import { api, eventually, startCluster, type Cluster } from './cluster.js';
import { onEveryHaStorage } from './shared-storages.js';

/** Vault's header: a standby must answer itself (a performance standby's read) or redirect, never forward. */
const LOCAL_ONLY = { 'X-Vault-No-Request-Forwarding': 'true' };

onEveryHaStorage('global plugin reload across an HA cluster', async (storageStanza) => {
  const pluginDir = (dir: string, i: number) => join(dir, `plugins${i}`);
  const { plugins } = await builtExamples();
  const v1 = plugins.get('kv-secrets-v1')!.file;
  const v2 = plugins.get('kv-secrets-v2')!.file;
  const sha1 = sha256Of(v1);
  const sha2 = sha256Of(v2);
  // Each node has its own plugin_directory holding both builds, as on separate machines.
  const cluster: Cluster = await startCluster(3, 'performance_standby = true', storageStanza, (i, dir) => {
    const own = pluginDir(dir, i);
    mkdirSync(own, { recursive: true });
    for (const [file, name] of [[v1, 'my-kv'], [v2, 'my-kv-v2']] as const) {
      copyFileSync(file, join(own, name));
      chmodSync(join(own, name), 0o755);
    }
    return `plugin_directory = "${own}"`;
  });
  const root = cluster.rootToken;

  /** Performance standbys answer 473: wait for one 200 and 473 from the others. */
  function activeNode(): Promise<number> {
    return eventually('one active node and performance standbys', async () => {
      const codes = await Promise.all(cluster.nodes.map(async (n) => (await api(n.address, 'GET', 'sys/health')).status));
      return codes.filter((c) => c === 200).length === 1 && codes.filter((c) => c === 473).length === codes.length - 1 ? codes.indexOf(200) : undefined;
    }, 30_000);
  }

  /**
   * The plugin version node i runs for my-kv/, from its own mount table
   * (a performance standby serves sys/mounts itself; reads of an external
   * plugin's mount it hands to the active node).
   */
  async function runningOn(i: number): Promise<string> {
    const address = cluster.nodes[i]!.address;
    const mounts = await api(address, 'GET', 'sys/mounts', root, undefined, LOCAL_ONLY);
    assert.equal(mounts.status, 200, `node ${i} serves sys/mounts itself: ${JSON.stringify(mounts.body)}`);
    return mounts.body.data['my-kv/']?.running_plugin_version ?? '';
  }

  /** Which build answers a read of my-kv/app on the active node. */
  async function servedBuild(address: string): Promise<string> {
    const read = await api(address, 'GET', 'my-kv/app', root);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.data.password, 'correct-horse');
    return warningsOf(read.body).includes(V2_WARNING) ? 'v2' : 'v1';
  }

  // Every node is reloaded and named in reload-status; a node that cannot start v2 keeps v1 and reports why.
  try {
    const active = await activeNode();
    const activeAddr = cluster.nodes[active]!.address;
    const standbys = [0, 1, 2].filter((i) => i !== active);
    const broken = standbys[1]!;

    assert.equal((await api(activeAddr, 'PUT', 'sys/plugins/catalog/secret/my-kv', root, { sha256: sha1, command: 'my-kv' })).status, 204);
    assert.equal((await api(activeAddr, 'POST', 'sys/mounts/my-kv', root, { type: 'my-kv' })).status, 204);
    assert.equal((await api(activeAddr, 'PUT', 'my-kv/app', root, { password: 'correct-horse' })).status, 204);
    // Every standby mounted v1 from its own directory.
    for (const i of [0, 1, 2]) await eventually(`node ${i} runs my-kv/`, async () => ((await runningOn(i)) === 'v1.0.0' ? true : undefined));
    assert.equal(await servedBuild(activeAddr), 'v1');

    // v2 under the same name; one node's copy of the v2 binary goes missing.
    assert.equal((await api(activeAddr, 'PUT', 'sys/plugins/catalog/secret/my-kv', root, { sha256: sha2, command: 'my-kv-v2' })).status, 204);
    rmSync(join(pluginDir(cluster.dir, broken), 'my-kv-v2'));
    for (const i of [0, 1, 2]) assert.equal(await runningOn(i), 'v1.0.0', 'nothing changes before the reload');

    // Asked on a standby (forwarded to the active node), with scope=global.
    const reload = await api(cluster.nodes[standbys[0]!]!.address, 'PUT', 'sys/plugins/reload/backend', root, { plugin: 'my-kv', scope: 'global' });
    assert.equal(reload.status, 202, JSON.stringify(reload.body));
    const reloadId = reload.body.data.reload_id as string;

    const names = cluster.nodes.map((n) => `/${n.address}`);
    const status = await eventually('a result from every node', async () => {
      const res = await api(cluster.nodes[broken]!.address, 'GET', `sys/plugins/reload/backend/status?reload_id=${reloadId}`, root);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return Object.keys(res.body.data.results).length === 3 ? res.body.data : undefined;
    });
    assert.equal(status.reload_id, reloadId);
    const results = status.results as Record<string, { timestamp: string; error: string }>;
    const byNode = (i: number) => {
      const key = Object.keys(results).find((k) => k.endsWith(names[i]!));
      assert.ok(key, `node ${i} (${names[i]}) is named in ${Object.keys(results).join(', ')}`);
      return results[key]!;
    };
    for (const i of [0, 1, 2]) {
      const result = byNode(i);
      assert.ok(!Number.isNaN(Date.parse(result.timestamp)), `node ${i} has a timestamp`);
      if (i === broken) assert.match(result.error, /^my-kv\/: .*"my-kv-v2" was not found in the plugin directory/, 'the failing node names the mount and why');
      else assert.equal(result.error, '', `node ${i} reloaded`);
    }

    // Each node's own mount: v2 where the reload worked, v1 kept where it could not start.
    for (const i of [0, 1, 2]) assert.equal(await runningOn(i), i === broken ? 'v1.0.0' : 'v2.0.0', `node ${i}`);
    assert.equal(await servedBuild(activeAddr), 'v2');

    // A standby promoted after the reload already serves v2.
    assert.equal((await api(activeAddr, 'PUT', 'sys/step-down', root)).status, 204);
    const next = await eventually('a new active node', async () => {
      const now = await activeNode();
      return now !== active ? now : undefined;
    });
    assert.equal(await servedBuild(cluster.nodes[next]!.address), next === broken ? 'v1' : 'v2');
  } finally {
    await cluster.stop();
  }
});
