import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cgroupVersion, PluginCgroup } from './cgroups.js';

// The kernel files a plugin's cgroup is made of, on a directory tree laid
// out like each hierarchy (the real one is exercised end to end by
// test/plugins/runtime-limits.test.ts, on whichever version the host has).

const MIB = 1024 * 1024;
const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'coffer-cgroup-tree-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
const read = (root: string, path: string): string => readFileSync(join(root, path), 'utf8');

describe('plugin cgroups', () => {
  it('v2: one leaf under cgroup_parent with memory.max, cpu.max and pids.max, controllers enabled on the way down', () => {
    const leaf = 'coffer/secret_probe-0001';
    const root = tree({
      'cgroup.controllers': 'cpuset cpu io memory pids',
      'cgroup.subtree_control': '',
      'coffer/cgroup.subtree_control': '',
      // What the kernel shows in a new leaf once its parent enables them.
      [`${leaf}/cgroup.controllers`]: 'cpu memory pids',
    });
    assert.equal(cgroupVersion(root), 2);
    const cg = PluginCgroup.create('coffer', 'secret_probe-0001', { memoryBytes: 64 * MIB, cpuNanos: 500_000_000, pidsMax: 64 }, root);
    assert.equal(cg.version, 2);
    assert.deepEqual(cg.controllers.sort(), ['cpu', 'memory', 'pids']);
    assert.equal(read(root, `${leaf}/memory.max`), String(64 * MIB));
    assert.equal(read(root, `${leaf}/memory.swap.max`), '0');
    assert.equal(read(root, `${leaf}/cpu.max`), '50000 100000');
    assert.equal(read(root, `${leaf}/pids.max`), '64');
    assert.deepEqual(cg.procsFiles, [join(root, leaf, 'cgroup.procs')]);
    // Each controller is enabled with its own write ("+pids" is the last of them).
    assert.match(read(root, 'coffer/cgroup.subtree_control'), /^\+\w+$/);

    assert.equal(cg.oomKilled(), false);
    writeFileSync(join(root, leaf, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n');
    assert.equal(cg.oomKilled(), true);
  });

  it('v2: a controller the parent does not delegate is left out, with the reason', () => {
    const root = tree({ 'cgroup.controllers': 'memory pids', 'cgroup.subtree_control': '', 'p/cgroup.subtree_control': '', 'p/l/cgroup.controllers': 'memory' });
    const cg = PluginCgroup.create('p', 'l', { memoryBytes: 32 * MIB, cpuNanos: 100_000_000, pidsMax: 0 }, root);
    assert.deepEqual(cg.controllers, ['memory']);
    assert.match(cg.failures.get('cpu')!, /the cpu controller is not enabled/);
    assert.equal(existsSync(join(root, 'p/l/pids.max')), false, 'no limit asked, nothing written');
  });

  it('v1: a leaf in each controller\'s hierarchy, limits in the v1 files, OOM kills read from memory.oom_control', () => {
    const root = tree({ 'memory/cgroup.procs': '', 'cpu/cgroup.procs': '', 'pids/cgroup.procs': '' });
    assert.equal(cgroupVersion(root), 1);
    const cg = PluginCgroup.create('tenants/a', 'leaf', { memoryBytes: 64 * MIB, cpuNanos: 250_000_000, pidsMax: 16 }, root);
    assert.equal(cg.version, 1);
    assert.equal(read(root, 'memory/tenants/a/leaf/memory.limit_in_bytes'), String(64 * MIB));
    assert.equal(read(root, 'cpu/tenants/a/leaf/cpu.cfs_quota_us'), '25000');
    assert.equal(read(root, 'cpu/tenants/a/leaf/cpu.cfs_period_us'), '100000');
    assert.equal(read(root, 'pids/tenants/a/leaf/pids.max'), '16');
    assert.equal(cg.procsFiles.length, 3);
    writeFileSync(join(root, 'memory/tenants/a/leaf/memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    assert.equal(cg.oomKilled(), true);
    assert.equal(cg.pidsLimitHit(), false);
    writeFileSync(join(root, 'pids/tenants/a/leaf/pids.events'), 'max 3\n');
    assert.equal(cg.pidsLimitHit(), true);
  });

  it('v1: a hierarchy that is not mounted leaves that controller to the fallback', () => {
    const root = tree({ 'memory/cgroup.procs': '' });
    const cg = PluginCgroup.create('coffer', 'leaf', { memoryBytes: 64 * MIB, cpuNanos: 0, pidsMax: 8 }, root);
    assert.deepEqual(cg.controllers, ['memory']);
    assert.match(cg.failures.get('pids')!, /the pids controller is not mounted/);
  });

  it('no hierarchy at all: every wanted controller fails, nothing is created', () => {
    const root = tree({});
    assert.equal(cgroupVersion(root), 0);
    const cg = PluginCgroup.create('coffer', 'leaf', { memoryBytes: 64 * MIB, cpuNanos: 0, pidsMax: 0 }, root);
    assert.deepEqual(cg.controllers, []);
    assert.match(cg.failures.get('memory')!, /no cgroup hierarchy is mounted/);
  });
});
