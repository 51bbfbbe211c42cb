export { createPluginSystem, type PluginHost, type PluginSystem, type PluginSystemOptions } from './plugin-system.js';
export { PluginCatalog, CATALOG_PREFIX, PINS_PREFIX, type ResolvedPlugin } from './catalog.js';
export type { CatalogEntry, PluginSummary } from './catalog-entry.js';
export type { PinnedVersion } from './pin-store.js';
export type { PluginType } from './plugin-type.js';
export type { DevPluginReport } from './dev-plugins.js';
export type { OpenedDatabasePlugin } from './database-plugins.js';
export type { ReloadAsk, ReloadReport } from './plugin-reload.js';
export type { MountReloadOutcome } from './mount-reloader.js';
