import { CofferError } from '@coffer/sdk';
import type { ProcessLimits } from '../plugin-runtime/index.js';

/**
 * Plugin runtime types. Vault has only `container` (plugins in OCI
 * containers through Docker and gVisor); Coffer stores those registrations
 * for compatibility but cannot run them. `process` runs the plugin as a
 * plain process inside cgroup/setrlimit limits, a network namespace and
 * another user (plugin-runtime/sandbox/).
 */
export const RUNTIME_TYPES = ['container', 'process'] as const;
export type RuntimeType = (typeof RUNTIME_TYPES)[number];

/** One runtime of sys/plugins/runtimes/catalog, stored as the API shows it. */
export interface RuntimeEntry {
  name: string;
  type: RuntimeType;
  /** container only: the OCI runtime (Vault's default: runsc). */
  oci_runtime: string;
  /** The cgroup each plugin's own cgroup is created under ('' = "coffer"). */
  cgroup_parent: string;
  /** CPU limit per plugin process in billionths of a core (0: none). */
  cpu_nanos: number;
  /** Memory limit per plugin process in bytes (0: none). */
  memory_bytes: number;
  /** container only: the container runtime runs unprivileged. */
  rootless: boolean;
  /** process only: most tasks (processes and threads) per plugin process (0: none). */
  pids_max: number;
  /** process only: the user (name or uid) the plugin runs as ('' = the server's). */
  run_as_user: string;
  /** process only: false (the default) runs the plugin without network access. */
  allow_network: boolean;
}

export function parseRuntimeType(value: string): RuntimeType {
  if (value === '') throw new CofferError('invalid_request', 'missing plugin runtime type');
  if ((RUNTIME_TYPES as readonly string[]).includes(value)) return value as RuntimeType;
  throw new CofferError('invalid_request', `"${value}" is not a supported plugin runtime type: use "process" (or "container", which Coffer stores but cannot run)`);
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function checkRuntimeName(name: string): string {
  if (!name) throw new CofferError('invalid_request', 'missing plugin runtime name');
  if (!NAME.test(name) || name.length > 128) {
    throw new CofferError('invalid_request', `invalid plugin runtime name "${name}": use letters, digits, ".", "_" and "-" only (at most 128 characters)`);
  }
  return name;
}

/** The smallest CPU share the kernel can enforce (a 1 ms quota per 100 ms period). */
export const MIN_CPU_NANOS = 10_000_000;

/**
 * Checks a registration and returns the entry to store. Fields that only
 * mean something for the other type are refused rather than ignored, so an
 * operator never believes a limit is set that is not.
 */
export function checkRuntimeEntry(entry: RuntimeEntry): RuntimeEntry {
  checkRuntimeName(entry.name);
  for (const [field, label] of [
    ['cpu_nanos', 'runtime cpu in nanos'],
    ['memory_bytes', 'runtime memory in bytes'],
    ['pids_max', 'runtime pids_max'],
  ] as const) {
    const value = entry[field];
    if (!Number.isSafeInteger(value)) throw new CofferError('invalid_request', `${field} must be a whole number`);
    if (value < 0) throw new CofferError('invalid_request', `${label} cannot be negative`);
  }
  const cgroupParent = normalizeCgroupParent(entry.cgroup_parent);
  if (entry.type === 'container') {
    const processOnly = (['pids_max', 'run_as_user', 'allow_network'] as const).filter((f) => Boolean(entry[f]));
    if (processOnly.length > 0) throw new CofferError('invalid_request', `${processOnly.join(', ')} only apply to runtimes of type "process"`);
    return { ...entry, cgroup_parent: cgroupParent };
  }
  if (entry.oci_runtime !== '') throw new CofferError('invalid_request', 'oci_runtime only applies to runtimes of type "container"; a "process" runtime runs the plugin binary itself');
  if (entry.rootless) throw new CofferError('invalid_request', 'rootless only applies to runtimes of type "container"; use run_as_user to run a "process" plugin as an unprivileged user');
  if (entry.cpu_nanos > 0 && entry.cpu_nanos < MIN_CPU_NANOS) {
    throw new CofferError('invalid_request', `cpu_nanos ${entry.cpu_nanos} is below ${MIN_CPU_NANOS} (0.01 CPU), the smallest CPU quota the kernel enforces`);
  }
  if (entry.run_as_user !== '' && !/^(\d+|[A-Za-z_][A-Za-z0-9_.-]*\$?)$/.test(entry.run_as_user)) {
    throw new CofferError('invalid_request', `run_as_user "${entry.run_as_user}" is not a user name or a numeric uid`);
  }
  return { ...entry, cgroup_parent: cgroupParent };
}

/** "/examplelimit/" → "examplelimit": a path relative to the cgroup hierarchy's root, of plain segments. */
function normalizeCgroupParent(value: string): string {
  const segments = value.split('/').filter((s) => s !== '');
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || !/^[A-Za-z0-9._-]+$/.test(segment)) {
      throw new CofferError('invalid_request', `cgroup_parent "${value}" must be a path of plain names (letters, digits, ".", "_", "-"), relative to the cgroup root`);
    }
  }
  return segments.join('/');
}

/** A runtime as the API shows it: Vault's fields, then Coffer's process fields. */
export function runtimeView(entry: RuntimeEntry): Record<string, unknown> {
  return {
    name: entry.name,
    type: entry.type,
    oci_runtime: entry.oci_runtime,
    cgroup_parent: entry.cgroup_parent,
    cpu_nanos: entry.cpu_nanos,
    memory_bytes: entry.memory_bytes,
    rootless: entry.rootless,
    pids_max: entry.pids_max,
    run_as_user: entry.run_as_user,
    allow_network: entry.allow_network,
  };
}

/** What the launcher enforces for a `process` runtime. */
export function processLimitsOf(entry: RuntimeEntry): ProcessLimits {
  return {
    runtime: entry.name,
    memoryBytes: entry.memory_bytes,
    cpuNanos: entry.cpu_nanos,
    pidsMax: entry.pids_max,
    cgroupParent: entry.cgroup_parent,
    runAsUser: entry.run_as_user,
    allowNetwork: entry.allow_network,
  };
}
