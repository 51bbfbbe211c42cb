import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatBytes } from './byte-size.js';
import type { Controller } from './cgroups.js';
import { planEnforcement, type HostFacts } from './enforcement.js';
import { findProgram } from './host-tools.js';
import type { ProcessLimits } from './process-limits.js';
import { prepareSandbox } from './sandbox.js';

const MIB = 1024 * 1024;
const limits = (o: Partial<ProcessLimits>): ProcessLimits => ({ runtime: 'rt', memoryBytes: 0, cpuNanos: 0, pidsMax: 0, cgroupParent: '', runAsUser: '', allowNetwork: true, ...o });
const host = (o: Partial<HostFacts>): HostFacts => ({
  cgroupVersion: 1,
  cgroupControllers: new Set<Controller>(),
  cgroupFailures: new Map(),
  tools: { sh: '/bin/sh', prlimit: '/usr/bin/prlimit', unshare: '/usr/bin/unshare', setpriv: '/usr/bin/setpriv' },
  isRoot: true,
  ...o,
});

describe('plugin runtime enforcement plan', () => {
  it('puts every limit in the cgroup when the cgroup took them', () => {
    const plan = planEnforcement(limits({ memoryBytes: 64 * MIB, cpuNanos: 250_000_000, pidsMax: 32 }), host({ cgroupVersion: 2, cgroupControllers: new Set(['memory', 'cpu', 'pids']) }));
    assert.equal(plan.mechanism, 'cgroup v2');
    assert.deepEqual(plan.rlimits, {});
    assert.equal(plan.details.memory, '64 MiB (cgroup v2 memory.max)');
    assert.equal(plan.details.cpu, '0.25 CPU (cgroup v2 cpu.max; quota 25000 us per 100000 us)');
    assert.equal(plan.details.pids, '32 (cgroup v2 pids.max)');
    assert.deepEqual([plan.problems, plan.warnings], [[], []]);
  });

  it('falls back to setrlimit where cgroups are not writable, and says what is not enforced', () => {
    const failures = new Map<Controller, string>([
      ['memory', '/sys/fs/cgroup/memory/coffer is not writable by the server (EACCES)'],
      ['cpu', '/sys/fs/cgroup/cpu/coffer is not writable by the server (EACCES)'],
      ['pids', '/sys/fs/cgroup/pids/coffer is not writable by the server (EACCES)'],
    ]);
    const noUser = planEnforcement(limits({ memoryBytes: 64 * MIB, cpuNanos: 500_000_000, pidsMax: 32 }), host({ cgroupFailures: failures }));
    assert.equal(noUser.mechanism, 'setrlimit');
    assert.deepEqual(noUser.rlimits, { dataBytes: 64 * MIB });
    assert.match(noUser.details.memory, /^64 MiB \(setrlimit RLIMIT_DATA, because \/sys\/fs\/cgroup\/memory\/coffer is not writable/);
    assert.equal(noUser.details.cpu, '0.5 CPU: NOT ENFORCED');
    assert.equal(noUser.details.pids, '32: NOT ENFORCED');
    assert.equal(noUser.problems.length, 0);
    assert.equal(noUser.warnings.length, 2);
    assert.match(noUser.warnings[0]!, /setrlimit has no CPU rate limit/);

    const withUser = planEnforcement(limits({ pidsMax: 32, runAsUser: 'nobody' }), host({ cgroupFailures: failures, user: { name: 'nobody', uid: 65534, gid: 65534 } }));
    assert.deepEqual(withUser.rlimits, { nproc: 32 });
    assert.match(withUser.details.pids, /RLIMIT_NPROC, counted over every process of user nobody/);
  });

  it('refuses what it cannot do: a memory limit without cgroups or prlimit, no network namespace, run_as_user without root', () => {
    const plan = planEnforcement(limits({ memoryBytes: 32 * MIB, allowNetwork: false, runAsUser: 'nobody' }), host({ tools: { sh: '/bin/sh' }, isRoot: false, user: { name: 'nobody', uid: 65534, gid: 65534 } }));
    assert.equal(plan.problems.length, 3, plan.problems.join('\n'));
    assert.match(plan.problems[0]!, /memory limit 32 MiB cannot be enforced: .*prlimit \(util-linux\) is not installed/);
    assert.match(plan.problems[1]!, /allow_network=false needs unshare/);
    assert.match(plan.problems[2]!, /run_as_user "nobody" needs the server to run as root/);
    const unknown = planEnforcement(limits({ runAsUser: 'ghost' }), host({ user: { error: 'run_as_user "ghost" is not a user on this host' } }));
    assert.deepEqual(unknown.problems, ['run_as_user "ghost" is not a user on this host']);
  });

  it('names sizes the way an operator wrote them', () => {
    assert.equal(formatBytes(64 * MIB), '64 MiB');
    assert.equal(formatBytes(1.5 * 1024 * MIB), '1.5 GiB');
    assert.equal(formatBytes(1000), '1000 bytes');
  });
});

describe('plugin runtime setrlimit fallback (real processes)', { skip: findProgram('prlimit') ? false : 'prlimit (util-linux) is not installed; skipping' }, () => {
  it('on a host without cgroups, an allocation past memory_bytes fails under RLIMIT_DATA and the exit names the limit', async () => {
    const noCgroups = mkdtempSync(join(tmpdir(), 'coffer-no-cgroups-'));
    try {
      const hog = "const a = []; for (let i = 0; i < 64; i++) a.push(Buffer.alloc(16 * 1024 * 1024, 1)); console.log('allocated')";
      const sandbox = await prepareSandbox(limits({ memoryBytes: 256 * MIB }), { name: 'secret/hog', command: process.execPath, args: ['-e', hog] }, { cgroupRoot: noCgroups });
      assert.equal(sandbox.enforcement.mechanism, 'setrlimit');
      assert.match(sandbox.command, /prlimit$/);
      assert.deepEqual(sandbox.args.slice(0, 2), [`--data=${256 * MIB}`, '--']);
      const child = spawn(sandbox.command, sandbox.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
      assert.equal(stdout, '', 'the 1 GiB allocation must not succeed');
      assert.notEqual(exit.code, 0);
      assert.equal(sandbox.explainExit(exit, stderr), 'memory limit 256 MiB exceeded (an allocation failed under RLIMIT_DATA)');
      await sandbox.release();
    } finally {
      rmSync(noCgroups, { recursive: true, force: true });
    }
  });
});
