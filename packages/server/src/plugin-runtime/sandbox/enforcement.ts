import { formatBytes } from './byte-size.js';
import { cpuQuotaUs, limitFiles, type Controller } from './cgroups.js';
import type { ResolvedUser, SandboxTool } from './host-tools.js';
import type { ProcessLimits } from './process-limits.js';

/** What the host offers a process runtime at launch time. */
export interface HostFacts {
  /** The hierarchy the plugin's cgroup was created in. */
  cgroupVersion: 1 | 2;
  /** Controllers whose limit was written to the plugin's cgroup. */
  cgroupControllers: ReadonlySet<Controller>;
  /** Why a wanted controller could not be used. */
  cgroupFailures: ReadonlyMap<Controller, string>;
  tools: Partial<Record<SandboxTool, string>>;
  isRoot: boolean;
  /** run_as_user resolved, or why it could not be. */
  user?: ResolvedUser | { error: string };
  /** Whether `unshare --net` works here (undefined: not checked). */
  netnsWorks?: boolean;
}

export type LimitName = 'memory' | 'cpu' | 'pids' | 'network' | 'user';

/** How each restriction of a runtime is (or is not) put in place on this host. */
export interface Enforcement {
  /** "cgroup v1", "cgroup v2", "setrlimit", "cgroup v1 + setrlimit" or "none" (no resource limit asked for). */
  mechanism: string;
  details: Record<LimitName, string>;
  /** RLIMIT_DATA / RLIMIT_NPROC to set with prlimit (limits cgroups could not take). */
  rlimits: { dataBytes?: number; nproc?: number };
  /** What was asked for and cannot be done here: the launch is refused. */
  problems: string[];
  /** Limits that are not enforced here: the plugin runs, and every launch logs these. */
  warnings: string[];
}

/**
 * Decides, per restriction, how it is enforced: cgroups where the plugin's
 * cgroup took the limit, setrlimit (through prlimit) as the fallback. A
 * memory limit nobody can enforce, no network namespace or no way to change
 * user are problems (security or the operator's explicit ask); a CPU rate
 * or process count that cannot be enforced is a warning, because setrlimit
 * has nothing equivalent.
 */
export function planEnforcement(limits: ProcessLimits, host: HostFacts): Enforcement {
  const problems: string[] = [];
  const warnings: string[] = [];
  const rlimits: Enforcement['rlimits'] = {};
  const used = new Set<string>();
  const cg = `cgroup v${host.cgroupVersion}`;
  const viaCgroup = (c: Controller): string | undefined => {
    if (!host.cgroupControllers.has(c)) return undefined;
    used.add(cg);
    return `${cg} ${limitFiles(host.cgroupVersion, c).join(', ')}`;
  };
  const why = (c: Controller): string => host.cgroupFailures.get(c) ?? 'cgroups are not available';
  const user = host.user && 'uid' in host.user ? host.user : undefined;

  let memory = 'no limit';
  if (limits.memoryBytes > 0) {
    const size = formatBytes(limits.memoryBytes);
    const cgroup = viaCgroup('memory');
    if (cgroup) memory = `${size} (${cgroup})`;
    else if (host.tools.prlimit) {
      rlimits.dataBytes = limits.memoryBytes;
      used.add('setrlimit');
      memory = `${size} (setrlimit RLIMIT_DATA, because ${why('memory')})`;
    } else {
      memory = `${size}: NOT ENFORCED`;
      problems.push(`memory limit ${size} cannot be enforced: ${why('memory')}, and prlimit (util-linux) is not installed`);
    }
  }

  let cpu = 'no limit';
  if (limits.cpuNanos > 0) {
    const cores = `${limits.cpuNanos / 1e9} CPU`;
    const cgroup = viaCgroup('cpu');
    if (cgroup) cpu = `${cores} (${cgroup}; quota ${cpuQuotaUs(limits.cpuNanos)} us per 100000 us)`;
    else {
      cpu = `${cores}: NOT ENFORCED`;
      warnings.push(`CPU limit ${cores} is not enforced: ${why('cpu')}, and setrlimit has no CPU rate limit`);
    }
  }

  let pids = 'no limit';
  if (limits.pidsMax > 0) {
    const cgroup = viaCgroup('pids');
    if (cgroup) pids = `${limits.pidsMax} (${cgroup})`;
    else if (user && host.tools.prlimit) {
      rlimits.nproc = limits.pidsMax;
      used.add('setrlimit');
      pids = `${limits.pidsMax} (setrlimit RLIMIT_NPROC, counted over every process of user ${user.name}, because ${why('pids')})`;
    } else {
      pids = `${limits.pidsMax}: NOT ENFORCED`;
      warnings.push(`process-count limit ${limits.pidsMax} is not enforced: ${why('pids')}, and RLIMIT_NPROC only works with run_as_user`);
    }
  }

  let network = 'allowed (the host network)';
  if (!limits.allowNetwork) {
    if (!host.tools.unshare) {
      network = 'NOT ISOLATED';
      problems.push('allow_network=false needs unshare (util-linux), which is not installed');
    } else if (host.netnsWorks === false) {
      network = 'NOT ISOLATED';
      problems.push(`allow_network=false needs a new network namespace, which this host refuses (${host.isRoot ? 'unshare --net' : 'unshare --net --map-root-user: unprivileged user namespaces disabled?'} failed)`);
    } else {
      network = `none: a new network namespace with no interface up (unshare --net${host.isRoot ? '' : ' --map-root-user'})`;
    }
  }

  let userDetail = 'the server\'s user';
  if (limits.runAsUser !== '') {
    if (host.user && 'error' in host.user) {
      userDetail = `${limits.runAsUser}: UNKNOWN`;
      problems.push(host.user.error);
    } else if (!host.isRoot) {
      userDetail = `${limits.runAsUser}: NOT POSSIBLE`;
      problems.push(`run_as_user "${limits.runAsUser}" needs the server to run as root, so that it can change to that user`);
    } else if (!host.tools.setpriv) {
      userDetail = `${limits.runAsUser}: NOT POSSIBLE`;
      problems.push(`run_as_user needs setpriv (util-linux), which is not installed`);
    } else if (user) {
      userDetail = `${user.name} (uid ${user.uid}, gid ${user.gid}, no supplementary groups)`;
    }
  }

  const mechanisms = [...used].sort();
  return {
    mechanism: mechanisms.length === 0 ? 'none' : mechanisms.join(' + '),
    details: { memory, cpu, pids, network, user: userDetail },
    rlimits,
    problems,
    warnings,
  };
}
