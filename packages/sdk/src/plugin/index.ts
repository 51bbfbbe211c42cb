export { serve, type ServeOptions } from './serve.js';
export { serveDatabase } from './serve-database.js';
export type { PluginServerOptions } from './plugin-server.js';
export * from './database.js';
export { createStderrLogger, type LogLevel } from './stderr-logger.js';
export * as pluginProtocol from './protocol.js';
