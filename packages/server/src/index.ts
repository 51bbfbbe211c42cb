export { runServer } from './server/run.js';
export type { RunningServer, ServerOptions } from './server/options.js';
export { Core, type CoreOptions } from './core/core.js';
export { COFFER_VERSION, VAULT_API_VERSION } from './core/version.js';
export { createPhysical } from './physical/index.js';
export { parseMigrateConfig, type MigrateConfig } from './migrate/migrate-config.js';
export { migrateStorage, type MigrateOptions, type MigrateResult } from './migrate/migrate-storage.js';
export { restoreBackup } from './backup/restore-backup.js';
export { loadConfig } from './config/index.js';
