import type { DatabasePlugin } from '../plugin/database.js';

export interface OpenedDatabasePlugin {
  database: DatabasePlugin;
  /** The catalog version ('' for an unversioned registration). */
  version: string;
  sha256: string;
  close(): Promise<void>;
}

/**
 * What a backend may ask of the server it runs in. Every call is async
 * because for an external plugin it crosses a process boundary.
 */
export interface SystemView {
  /** Seconds, after mount tuning. */
  defaultLeaseTtl(): Promise<number>;
  maxLeaseTtl(): Promise<number>;
  /** True while the mount is being moved or removed. */
  tainted(): Promise<boolean>;
  cachingDisabled(): Promise<boolean>;
  localMount(): Promise<boolean>;
  /** Server version info. */
  pluginEnv(): Promise<{ coffer_version: string; vault_version: string }>;
  /** Wrap arbitrary data in a single-use wrapping token. */
  responseWrapData(data: Record<string, unknown>, ttlSeconds: number, jwt: boolean): Promise<import('./response.js').WrapInfo>;
  /**
   * Open one connection of a database plugin from the catalog (external
   * plugins; pins and versions resolved as for mounts, sha256 checked before
   * launch). Null when `name` is not an external plugin, so the engine can
   * fall back to plugins it carries itself. Absent where plugins cannot be
   * launched (e.g. inside an external plugin).
   */
  openDatabasePlugin?(name: string, version: string): Promise<OpenedDatabasePlugin | null>;
  /** Generate a password from a named password policy (if supported). */
  generatePasswordFromPolicy?(policyName: string): Promise<string>;
}

/** A fixed system view, for tests and tools. */
export function staticSystemView(overrides: Partial<{ defaultLeaseTtl: number; maxLeaseTtl: number; local: boolean }> = {}): SystemView {
  const def = overrides.defaultLeaseTtl ?? 32 * 24 * 3600;
  const max = overrides.maxLeaseTtl ?? 32 * 24 * 3600;
  return {
    defaultLeaseTtl: async () => def,
    maxLeaseTtl: async () => max,
    tainted: async () => false,
    cachingDisabled: async () => false,
    localMount: async () => overrides.local ?? false,
    pluginEnv: async () => ({ coffer_version: '0.1.0', vault_version: '1.15.0' }),
    responseWrapData: async () => {
      throw new Error('response wrapping is not available in this system view');
    },
  };
}
