export { runServer } from './server/run.js';
export type { RunningServer, ServerOptions } from './server/options.js';
export { Core, type CoreOptions } from './core/core.js';
export { COFFER_VERSION, VAULT_API_VERSION } from './core/version.js';
