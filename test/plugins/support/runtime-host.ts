// What the plugin runtime tests need of the host: whether this machine lets
// the server put plugins in cgroups and network namespaces (asked exactly as
// the server asks, through the runtime's own describeEnforcement), the
// sandbox probe plugin built once, and the cgroup files of a running process.
import { mkdtempSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEnforcement, type ProcessLimits } from '../../../packages/server/src/plugin-runtime/index.js';
import { buildFixture, REPO_ROOT } from '../support.js';

const CGROUP_ROOT = '/sys/fs/cgroup';

export function limits(overrides: Partial<ProcessLimits>): ProcessLimits {
  return { runtime: 'probe', memoryBytes: 0, cpuNanos: 0, pidsMax: 0, cgroupParent: '', runAsUser: '', allowNetwork: true, ...overrides };
}

/**
 * The reason to skip cgroup-dependent tests, or false when memory, CPU and
 * pids limits all land in cgroups here. Machines without writable cgroups
 * (unprivileged containers, most CI runners) skip even under CI=true: the
 * server then falls back to setrlimit, which these tests do not measure.
 */
export async function skipWithoutCgroups(): Promise<string | false> {
  const plan = await describeEnforcement(limits({ memoryBytes: 64 * 1024 * 1024, cpuNanos: 500_000_000, pidsMax: 64 }));
  if (plan.mechanism.startsWith('cgroup') && !plan.mechanism.includes('setrlimit')) return false;
  return `cgroups are not writable by this process here (enforcement would be "${plan.mechanism}": ${Object.values(plan.details).join('; ')}); skipping the cgroup tests`;
}

/** The reason to skip network-namespace tests, or false when `unshare --net` works here. */
export async function skipWithoutNetns(): Promise<string | false> {
  const plan = await describeEnforcement(limits({ allowNetwork: false }));
  if (plan.problems.length === 0) return false;
  return `plugins cannot be given a network namespace here (${plan.problems.join('; ')}); skipping`;
}

export function skipUnlessRoot(): string | false {
  return process.getuid?.() === 0 ? false : 'run_as_user needs the server to run as root; skipping';
}

let probe: { file: string; dir: string } | undefined;

/** test/plugins/fixtures/sandbox-probe-plugin.ts as an executable (built once per test process). */
export function sandboxProbePlugin(): string {
  if (!probe) {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-sandbox-probe-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    probe = { dir, file: buildFixture(join(REPO_ROOT, 'test/plugins/fixtures/sandbox-probe-plugin.ts'), join(dir, 'sandbox-probe')) };
  }
  return probe.file;
}

/** The directory of `controller`'s cgroup of a process (v1: one hierarchy per controller; v2: the unified one). */
export function cgroupDirOf(pid: number, controller: 'memory' | 'cpu' | 'pids'): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const v1 = lines.find((l) => l.split(':')[1]!.split(',').includes(controller));
  if (v1) return join(CGROUP_ROOT, controller, v1.split(':')[2]!);
  const v2 = lines.find((l) => l.startsWith('0::'))!;
  return join(CGROUP_ROOT, v2.slice(3));
}

/** Removes a test's cgroup_parent (its leaves are gone once its plugins have exited). */
export function removeCgroupParent(parent: string): void {
  for (const dir of [join(CGROUP_ROOT, parent), ...['memory', 'cpu', 'pids'].map((c) => join(CGROUP_ROOT, c, parent))]) {
    try {
      rmdirSync(dir);
    } catch {
      // not created in this hierarchy, or not empty yet
    }
  }
}
