import { CofferError, StorageView, type Storage } from '@coffer/sdk';
import { builtinPlugins as defaultBuiltins, type BuiltinPlugin } from '@coffer/builtin';
import type { CatalogEntry, PluginSummary } from './catalog-entry.js';
import { CatalogStore } from './catalog-store.js';
import { PinStore, type PinnedVersion } from './pin-store.js';
import { PLUGIN_TYPES, type PluginType } from './plugin-type.js';
import { builtinVersionString, canonicalVersion, compareVersions, isBuiltinVersion } from './plugin-version.js';

/** Where the catalog and the pins live inside the barrier. */
export const CATALOG_PREFIX = 'core/plugin-catalog/';
export const PINS_PREFIX = 'core/plugin-pins/';

/** What a lookup found: a built-in (run in-process) or an external registration. */
export type ResolvedPlugin =
  | { builtin: true; type: PluginType; name: string; version: string; deprecationStatus: string }
  | { builtin: false; type: PluginType; name: string; version: string; entry: CatalogEntry };

export interface CatalogOptions {
  barrier: Storage;
  /** The built-ins the server was compiled with (default: @coffer/builtin's list). */
  builtins?: readonly BuiltinPlugin[];
}

/**
 * The plugin catalog: external registrations in the barrier plus the
 * built-ins as implicit entries, and Vault's lookup rules over both:
 *
 * - an unversioned registration under a built-in's name overrides the
 *   built-in; deregistering it brings the built-in back;
 * - a versioned lookup finds exactly that version (a "+builtin" version
 *   finds the built-in);
 * - a pin replaces whatever version a mount asked for.
 */
export class PluginCatalog {
  readonly store: CatalogStore;
  readonly pins: PinStore;
  private readonly builtins: readonly BuiltinPlugin[];

  constructor(options: CatalogOptions) {
    this.store = new CatalogStore(new StorageView(options.barrier, CATALOG_PREFIX));
    this.pins = new PinStore(new StorageView(options.barrier, PINS_PREFIX));
    this.builtins = options.builtins ?? defaultBuiltins;
  }

  /** Built-ins the catalog lists: core singletons (cubbyhole) are hidden, as in Vault's plugin list. */
  private listedBuiltins(): readonly BuiltinPlugin[] {
    return this.builtins.filter((p) => !p.hidden);
  }

  builtin(type: PluginType, name: string): BuiltinPlugin | undefined {
    return this.builtins.find((p) => p.type === type && p.name === name);
  }

  /**
   * The plugin that `type/name` at `version` means, or null: '' finds the
   * unversioned registration, else the built-in.
   */
  async get(type: PluginType, name: string, version: string): Promise<ResolvedPlugin | null> {
    const wanted = canonicalVersion(version);
    if (!isBuiltinVersion(wanted)) {
      const entry = await this.store.get(type, name, wanted);
      if (entry) return external(entry);
    }
    const builtin = this.builtin(type, name);
    if (builtin && (wanted === '' || wanted === builtinVersionString(builtin.version))) return builtinResolution(builtin);
    return null;
  }

  /** True when anything (built-in or any registered version) answers to `type/name`. */
  async exists(type: PluginType, name: string): Promise<boolean> {
    return this.builtin(type, name) !== undefined || (await this.store.versionsOf(type, name)).length > 0;
  }

  /**
   * What a mount of `name` runs. A pin wins over the mount's own version (as
   * in Vault, "even if the mount was configured with a different version").
   * With no version at all: the unversioned registration, else the
   * built-in, else the newest registered version, else null (the caller
   * decides what "not found" means, e.g. the server's own sys/ backend).
   */
  async resolveForMount(type: PluginType, name: string, mountVersion: string): Promise<ResolvedPlugin | null> {
    const pin = await this.pins.get(type, name);
    const version = pin ? pin.version : canonicalVersion(mountVersion);
    if (version !== '') {
      const found = await this.get(type, name, version);
      if (!found) throw notFound(type, name, version, pin ? ', pinned with sys/plugins/pins' : '');
      if (found.builtin) {
        const override = await this.store.get(type, name, '');
        if (override) {
          throw new CofferError('invalid_request', `${type} plugin "${name}" version ${version} is overridden by an unversioned registration of the same name: omit plugin_version to use it`);
        }
      }
      return found;
    }
    const found = await this.get(type, name, '');
    if (found) return found;
    const newest = await this.newestVersion(type, name);
    return newest ? external(newest) : null;
  }

  /**
   * The version Vault records when a mount is created without one: ''
   * when an unversioned registration exists, else the newest registered
   * version, else '' (the built-in).
   */
  async versionForNewMount(type: PluginType, name: string): Promise<string> {
    if (await this.store.get(type, name, '')) return '';
    return (await this.newestVersion(type, name))?.version ?? '';
  }

  private async newestVersion(type: PluginType, name: string): Promise<CatalogEntry | undefined> {
    const versioned = (await this.store.versionsOf(type, name)).filter((e) => e.version !== '');
    return versioned.sort((a, b) => compareVersions(b.version, a.version))[0];
  }

  /** Names of one type, built-ins included, sorted and without duplicates. */
  async names(type: PluginType): Promise<string[]> {
    const names = new Set(this.listedBuiltins().filter((p) => p.type === type).map((p) => p.name));
    for (const entry of await this.store.all(type)) names.add(entry.name);
    return [...names].sort();
  }

  /** Every plugin with its version, as the "detailed" list shows it. An overridden built-in is not listed. */
  async detailed(): Promise<PluginSummary[]> {
    const externals = await this.store.all();
    const overridden = new Set(externals.filter((e) => e.version === '').map((e) => `${e.type}/${e.name}`));
    const out: PluginSummary[] = externals.map((e) => ({ type: e.type, name: e.name, version: e.version, builtin: false, sha256: e.sha256 }));
    for (const p of this.listedBuiltins()) {
      if (overridden.has(`${p.type}/${p.name}`)) continue;
      out.push({ type: p.type, name: p.name, version: builtinVersionString(p.version), builtin: true, deprecation_status: p.deprecationStatus });
    }
    return out.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || compareVersions(a.version, b.version));
  }

  async register(entry: CatalogEntry): Promise<void> {
    await this.store.put(entry);
  }

  /**
   * Removes one registration. Built-ins cannot be removed, nor a version
   * that is pinned. Removing something that is not registered succeeds, as
   * in Vault; the returned warning says so when the name is a built-in.
   */
  async deregister(type: PluginType, name: string, version: string): Promise<{ warning?: string }> {
    const wanted = canonicalVersion(version);
    if (isBuiltinVersion(wanted)) {
      throw new CofferError('invalid_request', `version "${wanted}" of ${type} plugin "${name}" is built into the server and cannot be deregistered`);
    }
    const pin = await this.pins.get(type, name);
    if (pin && wanted !== '' && pin.version === wanted) {
      throw new CofferError('invalid_request', `${type} plugin "${name}" version ${wanted} is pinned: delete the pin (sys/plugins/pins/${type}/${name}) before deregistering it`);
    }
    const existing = await this.store.get(type, name, wanted);
    if (!existing) {
      if (wanted === '' && this.builtin(type, name)) {
        return { warning: `${type} plugin "${name}" is built into the server and has no external registration to remove; nothing was changed` };
      }
      return {};
    }
    await this.store.delete(type, name, wanted);
    return {};
  }

  async setPin(type: PluginType, name: string, version: string): Promise<PinnedVersion> {
    if (!version) throw new CofferError('invalid_request', 'missing version: give the registered version to pin, e.g. version=v1.0.0');
    const wanted = canonicalVersion(version);
    if (isBuiltinVersion(wanted)) throw new CofferError('invalid_request', `cannot pin the built-in version "${wanted}": only registered versions can be pinned`);
    if (!(await this.store.get(type, name, wanted))) {
      throw new CofferError('invalid_request', `${type} plugin "${name}" version ${wanted} is not registered: register it before pinning it`);
    }
    const pin: PinnedVersion = { type, name, version: wanted };
    await this.pins.put(pin);
    return pin;
  }

  /** Every type a name is registered under (used by the legacy untyped endpoints). */
  async typesOf(name: string): Promise<PluginType[]> {
    const out: PluginType[] = [];
    for (const type of PLUGIN_TYPES) if (await this.exists(type, name)) out.push(type);
    return out;
  }
}

function external(entry: CatalogEntry): ResolvedPlugin {
  return { builtin: false, type: entry.type, name: entry.name, version: entry.version, entry };
}

function builtinResolution(p: BuiltinPlugin): ResolvedPlugin {
  return { builtin: true, type: p.type, name: p.name, version: builtinVersionString(p.version), deprecationStatus: p.deprecationStatus };
}

function notFound(type: PluginType, name: string, version: string, why: string): CofferError {
  return new CofferError('invalid_request', `plugin not found in the catalog: ${name} (${type} plugin, version ${version}${why})`);
}
