// A process runtime's resource limits on a real server, as the kernel
// enforces them: the plugin's own cgroup carries the memory, CPU and
// process-count limits; a plugin that allocates past its memory limit is
// killed (other mounts keep serving), the request gets a 503 and the log a
// line that both name the limit, and the next request runs a fresh process;
// run_as_user runs the plugin as that user. Skipped, with the reason, where
// this process cannot write cgroups (the server would use setrlimit there).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PluginServer } from './support.js';
import { cgroupDirOf, removeCgroupParent, sandboxProbePlugin, skipUnlessRoot, skipWithoutCgroups } from './support/runtime-host.js';

const MIB = 1024 * 1024;
const parent = `coffer-test-${randomBytes(4).toString('hex')}`;

describe('process runtime limits (cgroups, real server)', { skip: await skipWithoutCgroups() }, () => {
  let s: PluginServer;
  let sha: string;

  before(async () => {
    const probe = sandboxProbePlugin();
    s = await PluginServer.start();
    // run_as_user: the other user must reach the binary.
    chmodSync(dirname(s.pluginDir), 0o755);
    chmodSync(s.pluginDir, 0o755);
    sha = s.install(probe, 'sandbox-probe');
    await s.ok(['plugin', 'runtime', 'register', '-type=process', `-memory_bytes=${64 * MIB}`, '-cpu_nanos=500000000', '-pids_max=64', `-cgroup_parent=${parent}`, '-allow_network', 'tight']);
    await s.ok(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe', '-runtime=tight', 'secret', 'probe-tight']);
    await s.ok(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe', 'secret', 'probe-free']);
    await s.ok(['secrets', 'enable', '-path=tight', 'probe-tight']);
    await s.ok(['secrets', 'enable', '-path=free', 'probe-free']);
    await s.ok(['secrets', 'enable', '-path=kv', 'kv']);
    await s.ok(['write', 'kv/app', 'password=still-here']);
  });
  after(async () => {
    await s?.stop();
    removeCgroupParent(parent);
  });

  const pidOf = async (mount: string): Promise<{ pid: number; uid: number }> => (await s.http('GET', `${mount}/pid`)).body.data;

  it('puts the plugin in a cgroup of its own under cgroup_parent, with the limits in its files', async () => {
    const { pid } = await pidOf('tight');
    const info = JSON.parse(await s.ok(['plugin', 'runtime', 'info', '-format=json', '-type=process', 'tight']));
    const memory = cgroupDirOf(pid, 'memory');
    const cpu = cgroupDirOf(pid, 'cpu');
    const pids = cgroupDirOf(pid, 'pids');
    for (const dir of [memory, cpu, pids]) assert.match(dir, new RegExp(`/${parent}/secret_probe-tight-[0-9a-f]{8}$`));
    const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8').trim();
    if (info.enforcement === 'cgroup v1') {
      assert.equal(read(memory, 'memory.limit_in_bytes'), String(64 * MIB));
      assert.equal(read(cpu, 'cpu.cfs_quota_us'), '50000');
      assert.equal(read(cpu, 'cpu.cfs_period_us'), '100000');
    } else {
      assert.equal(info.enforcement, 'cgroup v2');
      assert.equal(read(memory, 'memory.max'), String(64 * MIB));
      assert.equal(read(cpu, 'cpu.max'), '50000 100000');
    }
    assert.equal(read(pids, 'pids.max'), '64');
    assert.match(info.enforcement_details.memory, /^64 MiB \(cgroup v[12] memory\./);
    assert.match(info.enforcement_details.cpu, /^0\.5 CPU \(cgroup v[12] cpu\./);
    assert.match(info.enforcement_details.pids, /^64 \(cgroup v[12] pids\.max\)/);
    assert.deepEqual(info.enforcement_problems, []);

    // The same binary registered without a runtime is not in it.
    const free = await pidOf('free');
    assert.doesNotMatch(cgroupDirOf(free.pid, 'memory'), new RegExp(parent));
  });

  it('kills a plugin that allocates past its memory limit, says so in the 503 and the log, and other mounts keep serving', async () => {
    const before = await pidOf('tight');
    let hogDone = false;
    const hog = s.http('GET', 'tight/hog').finally(() => {
      hogDone = true;
    });
    // Other mounts (another plugin process, a built-in engine) while it happens.
    const others: number[] = [];
    while (!hogDone || others.length < 4) {
      const [free, kv] = await Promise.all([s.http('GET', 'free/ok'), s.http('GET', 'kv/app')]);
      others.push(free.status, kv.status);
      assert.deepEqual(kv.body.data, { password: 'still-here' });
    }
    const res = await hog;
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.match(res.body.errors.join(' '), /plugin "secret\/probe-tight" is unavailable during \w+: memory limit 64 MiB exceeded/);
    assert.ok(others.every((status) => status === 200), others.join(','));
    assert.match(s.server.output(), /plugin exited unexpectedly: memory limit 64 MiB exceeded/);

    // Crash handling starts it again: the mount serves, from a new process, in a new cgroup.
    const ok = await s.http('GET', 'tight/ok');
    assert.equal(ok.status, 200);
    const after = await pidOf('tight');
    assert.notEqual(after.pid, before.pid);
    assert.equal(readFileSync(join(cgroupDirOf(after.pid, 'memory'), memoryLimitFile(after.pid)), 'utf8').trim(), String(64 * MIB));
  });

  it('reports a memory limit too small for the plugin to start at registration, naming the limit', async () => {
    await s.ok(['plugin', 'runtime', 'register', '-type=process', `-memory_bytes=${12 * MIB}`, `-cgroup_parent=${parent}`, '-allow_network', 'starved']);
    const stderr = await s.fails(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe', '-runtime=starved', 'secret', 'probe-starved']);
    assert.match(stderr, /Code: 400/);
    assert.match(stderr, /could not start in plugin runtime "starved": memory limit 12 MiB exceeded/);
    assert.equal((await s.http('GET', 'sys/plugins/catalog/secret/probe-starved')).status, 404);
  });

  it('reports a process-count limit too small for the plugin\'s threads at registration, naming the limit', async () => {
    // Node.js needs about a dozen tasks (threads count) to start.
    await s.ok(['plugin', 'runtime', 'register', '-type=process', '-pids_max=6', `-cgroup_parent=${parent}`, '-allow_network', 'few-tasks']);
    const stderr = await s.fails(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe', '-runtime=few-tasks', 'secret', 'probe-few-tasks']);
    assert.match(stderr, /Code: 400/);
    assert.match(stderr, /could not start in plugin runtime "few-tasks": process-count limit 6 reached/);
  });

  it('runs the plugin as run_as_user', { skip: skipUnlessRoot() }, async () => {
    const sha = s.install(sandboxProbePlugin(), 'sandbox-probe-nobody');
    await s.ok(['plugin', 'runtime', 'register', '-type=process', '-run_as_user=nobody', `-memory_bytes=${128 * MIB}`, `-cgroup_parent=${parent}`, '-allow_network', 'as-nobody']);
    await s.ok(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe-nobody', '-runtime=as-nobody', 'secret', 'probe-nobody']);
    await s.ok(['secrets', 'enable', '-path=nobody', 'probe-nobody']);
    const { uid, gid } = (await s.http('GET', 'nobody/pid')).body.data;
    assert.equal(uid, 65534);
    assert.equal(gid, 65534);
    const info = JSON.parse(await s.ok(['plugin', 'runtime', 'info', '-format=json', '-type=process', 'as-nobody']));
    assert.equal(info.enforcement_details.user, 'nobody (uid 65534, gid 65534, no supplementary groups)');
  });
});

/** The memory limit file of the hierarchy a process is in (v1 or v2). */
function memoryLimitFile(pid: number): string {
  return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(':memory:') ? 'memory.limit_in_bytes' : 'memory.max';
}
