/**
 * What a `process` plugin runtime (sys/plugins/runtimes/catalog/process/NAME)
 * asks of the launcher. Zero means "no limit" for the numbers, as in Vault.
 */
export interface ProcessLimits {
  /** The runtime's name, for logs and messages. */
  runtime: string;
  /** Memory limit of the plugin process in bytes. */
  memoryBytes: number;
  /** CPU limit in billionths of a core (1e9 = one core), as Vault's cpu_nanos. */
  cpuNanos: number;
  /** Most tasks (processes and threads) the plugin may have at once. */
  pidsMax: number;
  /** The cgroup the plugin's own cgroup is created under, relative to the hierarchy root ('' = "coffer"). */
  cgroupParent: string;
  /** User name or uid the plugin runs as ('' = the server's user). */
  runAsUser: string;
  /** False: the plugin runs in a new network namespace with no interfaces up. */
  allowNetwork: boolean;
}

export const DEFAULT_CGROUP_PARENT = 'coffer';
