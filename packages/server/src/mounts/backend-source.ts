import type { Backend, BackendConfig } from '@coffer/sdk';
import type { MountEntry } from './mount-entry.js';

/** A backend made for a mount, with what it reports about itself for sys/mounts. */
export interface ResolvedBackend {
  backend: Backend;
  /** "v0.1.0+builtin" for built-ins, the catalog version for external plugins. */
  runningVersion: string;
  /** sha256 of the external plugin binary; '' for built-ins. */
  runningSha256: string;
}

/**
 * Turns a mount entry into a running backend. The built-in registry is one
 * source; the plugin catalog wraps it so that external plugins and
 * overrides of built-ins resolve first.
 */
export interface BackendSource {
  create(entry: MountEntry, conf: BackendConfig): Promise<ResolvedBackend>;
  /**
   * Checks a plugin_version asked for on enable or tune before it is saved
   * (a version that cannot be found would break the mount at the next
   * unseal) and returns the form to record; throws invalid_request (400).
   * A source without it records versions unchecked.
   */
  checkVersion?(entry: MountEntry, version: string): Promise<string>;
}
