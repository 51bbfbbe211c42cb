import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The cgroup controllers a process runtime uses. */
export type Controller = 'memory' | 'cpu' | 'pids';
export const CONTROLLERS: readonly Controller[] = ['memory', 'cpu', 'pids'];

export const CGROUP_ROOT = '/sys/fs/cgroup';

/** The scheduler period a CPU quota is expressed in (100 ms, the kernel's default). */
const CPU_PERIOD_US = 100_000;
/** The smallest quota the kernel accepts (1 ms per period). */
const MIN_CPU_QUOTA_US = 1_000;

/** Which cgroup hierarchy the host has: 2 (unified), 1 (one hierarchy per controller) or 0 (none mounted). */
export type CgroupVersion = 0 | 1 | 2;

export function cgroupVersion(root = CGROUP_ROOT): CgroupVersion {
  if (existsSync(join(root, 'cgroup.controllers'))) return 2;
  if (CONTROLLERS.some((c) => existsSync(join(root, c, 'cgroup.procs')))) return 1;
  return 0;
}

/** What a plugin's cgroup limits, in the units the kernel files take. */
export interface CgroupLimits {
  memoryBytes: number;
  cpuNanos: number;
  pidsMax: number;
}

/** The kernel files a limit was written to, for `plugin runtime info` and tests. */
export function limitFiles(version: 1 | 2, controller: Controller): string[] {
  if (version === 2) return { memory: ['memory.max'], cpu: ['cpu.max'], pids: ['pids.max'] }[controller];
  return { memory: ['memory.limit_in_bytes'], cpu: ['cpu.cfs_quota_us', 'cpu.cfs_period_us'], pids: ['pids.max'] }[controller];
}

export function cpuQuotaUs(cpuNanos: number): number {
  return Math.max(MIN_CPU_QUOTA_US, Math.round((cpuNanos * CPU_PERIOD_US) / 1e9));
}

/**
 * One plugin process's cgroup: a leaf created under `parent` in every
 * hierarchy that has one of the wanted controllers (v1), or one leaf in the
 * unified hierarchy with the controllers enabled down to it (v2). A
 * controller that could not be set up (hierarchy read-only, controller not
 * delegated, limit refused) is left out of `controllers`: the caller falls
 * back to setrlimit for it.
 */
export class PluginCgroup {
  private oomAtRemoval: boolean | undefined;
  private pidsAtRemoval: boolean | undefined;

  private constructor(
    readonly version: 1 | 2,
    /** Controller → the leaf directory that enforces it. */
    private readonly dirs: Map<Controller, string>,
    /** Why each wanted controller that is missing is missing. */
    readonly failures: Map<Controller, string>,
  ) {}

  /** Controllers whose limit is in force. */
  get controllers(): Controller[] {
    return [...this.dirs.keys()];
  }

  /** The directory of the leaf that enforces `controller` (tests read the limits from there). */
  dirOf(controller: Controller): string | undefined {
    return this.dirs.get(controller);
  }

  /** The cgroup.procs files the plugin's process must write its pid to before it runs plugin code. */
  get procsFiles(): string[] {
    return [...new Set(this.dirs.values())].map((dir) => join(dir, 'cgroup.procs'));
  }

  /**
   * Creates the leaf and writes the limits. Only the controllers with a
   * limit are set up; an empty `limits` creates nothing.
   */
  static create(parent: string, leaf: string, limits: CgroupLimits, root = CGROUP_ROOT): PluginCgroup {
    const version = cgroupVersion(root);
    const wanted = CONTROLLERS.filter((c) => limitOf(limits, c) > 0);
    const failures = new Map<Controller, string>();
    const dirs = new Map<Controller, string>();
    if (version === 0) {
      for (const c of wanted) failures.set(c, `no cgroup hierarchy is mounted at ${root}`);
      return new PluginCgroup(1, dirs, failures);
    }
    if (version === 1) {
      for (const c of wanted) {
        const dir = join(root, c, parent, leaf);
        try {
          if (!existsSync(join(root, c, 'cgroup.procs'))) throw new Error(`the ${c} controller is not mounted at ${join(root, c)}`);
          mkdirSync(dir, { recursive: true });
          writeLimitV1(dir, c, limits);
          dirs.set(c, dir);
        } catch (err) {
          failures.set(c, reason(err));
          removeDir(dir);
        }
      }
      return new PluginCgroup(1, dirs, failures);
    }
    const dir = join(root, parent, leaf);
    try {
      enableControllersV2(root, parent, wanted);
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      for (const c of wanted) failures.set(c, reason(err));
      return new PluginCgroup(2, dirs, failures);
    }
    const enabled = new Set(readOr(join(dir, 'cgroup.controllers'), '').trim().split(/\s+/));
    for (const c of wanted) {
      try {
        if (!enabled.has(c)) throw new Error(`the ${c} controller is not enabled for ${join(root, parent)} (not delegated to this server?)`);
        writeLimitV2(dir, c, limits);
        dirs.set(c, dir);
      } catch (err) {
        failures.set(c, reason(err));
      }
    }
    if (dirs.size === 0) removeDir(dir);
    return new PluginCgroup(2, dirs, failures);
  }

  /**
   * True when the kernel's OOM killer killed a process of this cgroup
   * because it reached its memory limit (v1 memory.oom_control oom_kill,
   * v2 memory.events oom_kill). Read it before remove().
   */
  oomKilled(): boolean {
    if (this.oomAtRemoval !== undefined) return this.oomAtRemoval;
    const dir = this.dirs.get('memory');
    if (!dir) return false;
    const file = this.version === 2 ? 'memory.events' : 'memory.oom_control';
    const count = counter(join(dir, file), 'oom_kill');
    if (count !== undefined) return count > 0;
    // Kernels before 4.13 have no oom_kill counter: the limit was at least hit.
    return this.version === 1 && (counter(join(dir, 'memory.failcnt'), '') ?? 0) > 0;
  }

  /** True when the plugin tried to have more tasks than pids.max allows (pids.events "max"). */
  pidsLimitHit(): boolean {
    if (this.pidsAtRemoval !== undefined) return this.pidsAtRemoval;
    const dir = this.dirs.get('pids');
    return dir !== undefined && (counter(join(dir, 'pids.events'), 'max') ?? 0) > 0;
  }

  /** Removes the leaf (once its processes are gone; retried briefly, as the kernel may still be tearing them down). */
  async remove(): Promise<void> {
    // Its counters go with it: keep the answer for whoever asks later.
    this.oomAtRemoval ??= this.oomKilled();
    this.pidsAtRemoval ??= this.pidsLimitHit();
    for (const dir of new Set(this.dirs.values())) {
      for (let attempt = 0; attempt < 20; attempt++) {
        if (removeDir(dir)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}

function limitOf(limits: CgroupLimits, c: Controller): number {
  return c === 'memory' ? limits.memoryBytes : c === 'cpu' ? limits.cpuNanos : limits.pidsMax;
}

function writeLimitV1(dir: string, c: Controller, limits: CgroupLimits): void {
  if (c === 'memory') {
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    // Memory plus swap at the same limit: swapping out does not get around it.
    // (Absent when the kernel does not account swap.)
    tryWrite(join(dir, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
  } else if (c === 'cpu') {
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(cpuQuotaUs(limits.cpuNanos)));
  } else {
    writeFileSync(join(dir, 'pids.max'), String(limits.pidsMax));
  }
}

function writeLimitV2(dir: string, c: Controller, limits: CgroupLimits): void {
  if (c === 'memory') {
    writeFileSync(join(dir, 'memory.max'), String(limits.memoryBytes));
    tryWrite(join(dir, 'memory.swap.max'), '0');
  } else if (c === 'cpu') {
    writeFileSync(join(dir, 'cpu.max'), `${cpuQuotaUs(limits.cpuNanos)} ${CPU_PERIOD_US}`);
  } else {
    writeFileSync(join(dir, 'pids.max'), String(limits.pidsMax));
  }
}

/** v2: a controller works in a cgroup only when every ancestor enables it for its children (cgroup.subtree_control). */
function enableControllersV2(root: string, parent: string, wanted: readonly Controller[]): void {
  let dir = root;
  const segments = parent.split('/').filter(Boolean);
  for (let i = 0; i <= segments.length; i++) {
    if (i > 0) {
      dir = join(dir, segments[i - 1]!);
      mkdirSync(dir, { recursive: true });
    }
    const enabled = new Set(readOr(join(dir, 'cgroup.subtree_control'), '').trim().split(/\s+/));
    // One at a time: a controller the hierarchy lacks must not stop the others.
    for (const c of wanted) if (!enabled.has(c)) tryWrite(join(dir, 'cgroup.subtree_control'), `+${c}`);
  }
}

/** A "name value" line of a flat-keyed cgroup file, or (name '') a file holding one number. */
function counter(file: string, name: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (name === '') return Number(text.trim());
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function tryWrite(file: string, value: string): boolean {
  try {
    writeFileSync(file, value);
    return true;
  } catch {
    return false;
  }
}

function removeDir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return `${e.path ?? 'the cgroup hierarchy'} is not writable by the server (${e.code})`;
  if (e.code === 'EROFS') return `${e.path ?? 'the cgroup hierarchy'} is mounted read-only`;
  return e.message ?? String(err);
}
