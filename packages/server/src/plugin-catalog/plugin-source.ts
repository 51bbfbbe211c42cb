import { CofferError, type BackendConfig, type Logger } from '@coffer/sdk';
import type { BackendSource, ResolvedBackend } from '../mounts/backend-source.js';
import type { MountEntry } from '../mounts/mount-entry.js';
import type { PluginCatalog } from './catalog.js';
import { DrainableBackend } from './drainable-backend.js';
import { ExternalBackend } from './external-backend.js';
import type { ProcessPool } from './process-pool.js';
import { pluginTypeOfMount, type PluginType } from './plugin-type.js';
import { builtinVersionString, canonicalVersion } from './plugin-version.js';

export interface PluginSourceDeps {
  catalog: PluginCatalog;
  pool: ProcessPool;
  logger: Logger;
  /** True while sys/mounts or sys/auth is creating this entry (it is not in the table yet). */
  isNewMount: (entry: MountEntry) => boolean;
}

/**
 * The BackendSource the mount table uses once the catalog is in place: it
 * resolves a mount's plugin through the catalog (overrides, versions,
 * pins), runs external plugins through the process pool, and falls back to
 * the built-in source. Every backend it hands out counts its in-flight
 * requests, so that a reload can wait for them.
 */
export class PluginSource implements BackendSource {
  private readonly freshAfter = new Map<MountEntry, number>();

  constructor(
    private readonly builtin: BackendSource,
    private readonly deps: PluginSourceDeps,
  ) {}

  /** Runs `build` so that external plugins get a process launched after `marker` (reload restarts them). */
  async withFreshProcesses<T>(entry: MountEntry, marker: number, build: () => Promise<T>): Promise<T> {
    this.freshAfter.set(entry, marker);
    try {
      return await build();
    } finally {
      this.freshAfter.delete(entry);
    }
  }

  async create(entry: MountEntry, conf: BackendConfig): Promise<ResolvedBackend> {
    // sys/, token/, cubbyhole/ belong to the server: no catalog entry may replace them.
    if (entry.builtin_required) return this.builtin.create(entry, conf);

    const type = pluginTypeOfMount(entry);
    if (this.deps.isNewMount(entry)) await this.recordVersion(entry, type);

    const plugin = await this.deps.catalog.resolveForMount(type, entry.type, entry.plugin_version);
    if (!plugin || plugin.builtin) {
      const resolved = await this.builtin.create(entry, conf);
      return { ...resolved, backend: new DrainableBackend(resolved.backend) };
    }

    const backend = await ExternalBackend.create({
      pool: this.deps.pool,
      entry: plugin.entry,
      conf,
      expectedType: type === 'auth' ? 'credential' : 'logical',
      after: this.freshAfter.get(entry),
      logger: this.deps.logger,
    });
    return {
      backend: new DrainableBackend(backend),
      runningVersion: plugin.entry.version || backend.pluginVersion(),
      runningSha256: plugin.entry.sha256,
    };
  }

  async checkVersion(entry: MountEntry, version: string): Promise<string> {
    if (entry.builtin_required) return this.builtin.checkVersion ? this.builtin.checkVersion(entry, version) : version;
    const wanted = canonicalVersion(version);
    if (wanted === '') return '';
    const type = pluginTypeOfMount(entry);
    const found = await this.deps.catalog.get(type, entry.type, wanted);
    if (!found) throw new CofferError('invalid_request', `plugin not found in the catalog: ${entry.type} (${type} plugin, version ${wanted})`);
    // The built-in's own version is recorded as '' (the built-in), as recordVersion does for new mounts.
    return found.builtin ? '' : wanted;
  }

  /**
   * Vault records a version when a mount is created: the one asked for
   * (canonical, '' for the built-in's own version), or, when none was asked
   * for and no unversioned registration exists, the newest registered one.
   */
  private async recordVersion(entry: MountEntry, type: PluginType): Promise<void> {
    const { catalog } = this.deps;
    if (entry.plugin_version === '') {
      entry.plugin_version = await catalog.versionForNewMount(type, entry.type);
      return;
    }
    const version = canonicalVersion(entry.plugin_version);
    const builtin = catalog.builtin(type, entry.type);
    if (builtin && version === builtinVersionString(builtin.version)) {
      if (await catalog.store.get(type, entry.type, '')) {
        throw new CofferError(
          'invalid_request',
          `${type} plugin "${entry.type}" version ${version} is overridden by an unversioned registration of the same name: omit plugin_version to use it`,
        );
      }
      entry.plugin_version = '';
      return;
    }
    entry.plugin_version = version;
  }
}
