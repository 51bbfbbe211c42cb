import type { PluginType } from './plugin-type.js';

/**
 * One external plugin registered in the catalog. `command` is relative to
 * plugin_directory and is resolved (and checked) again before every launch.
 */
export interface CatalogEntry {
  name: string;
  type: PluginType;
  /** Canonical "v1.2.3", or '' for the single unversioned registration of a name. */
  version: string;
  command: string;
  args: string[];
  /** "KEY=value" strings given to the plugin process. Never shown by the API: it may hold secrets. */
  env: string[];
  /** Lower-case hex SHA-256 of the binary. */
  sha256: string;
  /** The plugin runtime (sys/plugins/runtimes/catalog) it runs in; absent: a plain process. */
  runtime?: string;
}

/** A built-in or external plugin as `sys/plugins/catalog` lists it. */
export interface PluginSummary {
  type: PluginType;
  name: string;
  version: string;
  builtin: boolean;
  sha256?: string;
  deprecation_status?: string;
}
