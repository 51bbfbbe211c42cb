import type { OpenedDatabasePlugin, SystemView, WrapInfo } from '@coffer/sdk';
import type { MountEntry } from '../mounts/mount-entry.js';
import { COFFER_VERSION, VAULT_API_VERSION } from './version.js';

export interface SystemViewDeps {
  systemTtls: () => { defaultTtl: number; maxTtl: number };
  wrapData: (data: Record<string, unknown>, ttl: number) => Promise<WrapInfo>;
  /** The plugin system's openDatabasePlugin (for the database secrets engine); absent: no external database plugins. */
  openDatabasePlugin?: (name: string, version: string) => Promise<OpenedDatabasePlugin | null>;
  /** A password from the named password policy (sys/policies/password). */
  generatePassword?: (policyName: string) => Promise<string>;
}

/**
 * Effective TTLs of a mount: its tuned values, or the server's. A mount may
 * be tuned above the server's max_lease_ttl (Vault accepts and shows that
 * value), but the server's max still caps what is issued.
 */
export function mountTtls(entry: MountEntry, system: { defaultTtl: number; maxTtl: number }): { defaultTtl: number; maxTtl: number } {
  const maxTtl = Math.min(entry.config.max_lease_ttl || system.maxTtl, system.maxTtl);
  const defaultTtl = Math.min(entry.config.default_lease_ttl || system.defaultTtl, maxTtl);
  return { defaultTtl, maxTtl };
}

/** The system view a mount's backend gets: read live from the entry, so tuning takes effect at once. */
export function systemViewFor(entry: MountEntry, deps: SystemViewDeps): SystemView {
  return {
    defaultLeaseTtl: async () => mountTtls(entry, deps.systemTtls()).defaultTtl,
    maxLeaseTtl: async () => mountTtls(entry, deps.systemTtls()).maxTtl,
    tainted: async () => false,
    cachingDisabled: async () => entry.config.force_no_cache,
    localMount: async () => entry.local,
    pluginEnv: async () => ({ coffer_version: COFFER_VERSION, vault_version: VAULT_API_VERSION }),
    responseWrapData: (data, ttl) => deps.wrapData(data, ttl),
    ...(deps.openDatabasePlugin ? { openDatabasePlugin: deps.openDatabasePlugin } : {}),
    ...(deps.generatePassword ? { generatePasswordFromPolicy: deps.generatePassword } : {}),
  };
}
