import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CofferError } from '@coffer/sdk';
import { formatBytes } from './byte-size.js';
import { CGROUP_ROOT, PluginCgroup } from './cgroups.js';
import { planEnforcement, type Enforcement } from './enforcement.js';
import { resolveUser, sandboxTools, serverIsRoot, type ResolvedUser, type SandboxTool } from './host-tools.js';
import { DEFAULT_CGROUP_PARENT, type ProcessLimits } from './process-limits.js';

/** How to start one plugin process inside its runtime's limits. */
export interface SandboxedLaunch {
  /** The program to spawn and its arguments: a chain of wrappers that ends in exec'ing the plugin. */
  command: string;
  args: string[];
  /** The user the plugin runs as, when not the server's: the host's sockets must be reachable by it. */
  owner?: { uid: number; gid: number };
  enforcement: Enforcement;
  /** The plugin's cgroup (tests read the limits from its files). */
  cgroup: PluginCgroup;
  /** Why the plugin ended, when the runtime knows better than the exit status ("memory limit 64 MiB exceeded"). */
  explainExit(exit: { code: number | null; signal: NodeJS.Signals | null }, stderrTail: string): string | undefined;
  /** Why a plugin that died or hung before its handshake could not start, when its limits are the reason. */
  explainFailedStart(stderrTail: string): string | undefined;
  /** Removes the plugin's cgroup once it has exited. */
  release(): Promise<void>;
}

/** Exit status of the wrapper when it cannot put the plugin in its cgroup (the plugin never ran). */
export const SANDBOX_SETUP_FAILED = 125;

/**
 * Prepares the launch of `command` under a process runtime: creates its
 * cgroup with the limits, decides the fallbacks (see planEnforcement) and
 * builds the wrapper chain
 *
 *   sh -c 'echo $$ > …/cgroup.procs && exec "$@"'   (into the cgroup first)
 *   prlimit --data=… --nproc=…                      (setrlimit fallbacks)
 *   unshare --net                                   (no network)
 *   setpriv --reuid=… --regid=… --clear-groups      (run_as_user)
 *   <plugin> <args…>
 *
 * Each step execs the next, so the plugin keeps the spawned pid and none of
 * its code runs before every restriction is in place. Throws a CofferError
 * ('invalid_request') naming what cannot be enforced on this host.
 */
export async function prepareSandbox(
  limits: ProcessLimits,
  launch: { name: string; command: string; args: readonly string[] },
  /** Tests: another cgroup hierarchy root (an empty directory = a host without cgroups). */
  options: { cgroupRoot?: string } = {},
): Promise<SandboxedLaunch> {
  const facts = await gatherFacts(limits, `${leafName(launch.name)}-${randomBytes(4).toString('hex')}`, options.cgroupRoot ?? CGROUP_ROOT);
  const { cgroup, enforcement } = facts;
  if (enforcement.problems.length > 0) {
    await cgroup.remove();
    throw new CofferError('invalid_request', `plugin "${launch.name}" cannot run in plugin runtime "${limits.runtime}": ${enforcement.problems.join('; ')}`);
  }
  const tools = facts.tools;
  const chain: string[] = [];
  const { dataBytes, nproc } = enforcement.rlimits;
  if (dataBytes !== undefined || nproc !== undefined) {
    chain.push(tools.prlimit!, ...(dataBytes !== undefined ? [`--data=${dataBytes}`] : []), ...(nproc !== undefined ? [`--nproc=${nproc}`] : []), '--');
  }
  if (!limits.allowNetwork) chain.push(tools.unshare!, '--net', ...(facts.isRoot ? [] : ['--map-root-user']), '--');
  const user = facts.user;
  if (user) chain.push(tools.setpriv!, `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--');
  chain.push(launch.command, ...launch.args);

  let command = chain[0]!;
  let args = chain.slice(1);
  const procs = cgroup.procsFiles;
  if (procs.length > 0) {
    // The paths are ours (the hierarchy root, a checked cgroup_parent, a
    // sanitized leaf name), quoted anyway.
    const joins = procs.map((file) => `echo $$ > ${shellQuote(file)} || exit ${SANDBOX_SETUP_FAILED}`);
    command = tools.sh!;
    args = ['-c', [...joins, 'exec "$@"'].join('\n'), 'coffer-plugin-sandbox', ...chain];
  }

  const memory = formatBytes(limits.memoryBytes);
  const explainExit = (exit: { code: number | null; signal: NodeJS.Signals | null }, stderrTail: string): string | undefined => {
    if (limits.memoryBytes > 0 && cgroup.oomKilled()) return `memory limit ${memory} exceeded (killed by the kernel's OOM killer in its cgroup)`;
    const died = exit.signal !== null || (exit.code !== null && exit.code !== 0);
    if (!died) return undefined;
    if (dataBytes !== undefined && /allocation failed|out of memory|cannot allocate memory|ENOMEM/i.test(stderrTail)) {
      return `memory limit ${memory} exceeded (an allocation failed under RLIMIT_DATA)`;
    }
    // A process that cannot start a thread or child usually dies of it.
    if (limits.pidsMax > 0 && cgroup.pidsLimitHit()) return `process-count limit ${limits.pidsMax} reached (pids.max of its cgroup; threads count too)`;
    return undefined;
  };
  return {
    command,
    args,
    ...(user ? { owner: { uid: user.uid, gid: user.gid } } : {}),
    enforcement,
    cgroup,
    explainExit,
    // A process short of tasks may hang instead of dying (a thread pool that never fills).
    explainFailedStart: (stderrTail) => explainExit({ code: 1, signal: null }, stderrTail),
    release: () => cgroup.remove(),
  };
}

/**
 * How a runtime's limits would be enforced on this host, for `plugin
 * runtime info`: the same checks as a launch (a probe cgroup is created with
 * the limits and removed again), without starting anything.
 */
export async function describeEnforcement(limits: ProcessLimits): Promise<Enforcement> {
  const facts = await gatherFacts(limits, `probe-${randomBytes(4).toString('hex')}`, CGROUP_ROOT);
  await facts.cgroup.remove();
  return facts.enforcement;
}

interface Facts {
  cgroup: PluginCgroup;
  enforcement: Enforcement;
  tools: Partial<Record<SandboxTool, string>>;
  isRoot: boolean;
  user?: ResolvedUser;
}

async function gatherFacts(limits: ProcessLimits, leaf: string, cgroupRoot: string): Promise<Facts> {
  const tools = sandboxTools();
  const isRoot = serverIsRoot();
  let user: ResolvedUser | { error: string } | undefined;
  if (limits.runAsUser !== '') {
    try {
      user = await resolveUser(limits.runAsUser);
    } catch (err) {
      user = { error: (err as Error).message };
    }
  }
  const parent = limits.cgroupParent || DEFAULT_CGROUP_PARENT;
  const cgroup = PluginCgroup.create(parent, leaf, limits, cgroupRoot);
  const enforcement = planEnforcement(limits, {
    cgroupVersion: cgroup.version,
    cgroupControllers: new Set(cgroup.controllers),
    cgroupFailures: cgroup.failures,
    tools,
    isRoot,
    ...(user ? { user } : {}),
    ...(!limits.allowNetwork && tools.unshare ? { netnsWorks: netnsWorks(tools.unshare, isRoot) } : {}),
  });
  if (!tools.sh && cgroup.procsFiles.length > 0) enforcement.problems.push('joining the cgroup needs /bin/sh, which is missing');
  return { cgroup, enforcement, tools, isRoot, ...(user && 'uid' in user ? { user } : {}) };
}

let netnsCheck: boolean | undefined;

/** Whether this host lets the server create a network namespace (checked once per server process). */
function netnsWorks(unshare: string, isRoot: boolean): boolean {
  netnsCheck ??= spawnSync(unshare, ['--net', ...(isRoot ? [] : ['--map-root-user']), '--', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return netnsCheck;
}

/** A cgroup directory name from a plugin's display name ("secret/my-plugin/v1.0.0" → "secret_my-plugin_v1.0.0"). */
function leafName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'plugin';
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
