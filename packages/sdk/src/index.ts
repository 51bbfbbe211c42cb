export * from './errors.js';
export * from './logger.js';
export * from './storage/storage.js';
export * from './storage/view.js';
export * from './storage/inmem.js';
export * from './storage/token-records.js';
export * from './logical/request.js';
export * from './logical/response.js';
export * from './logical/secret.js';
export * from './logical/auth.js';
export * from './logical/backend.js';
export * from './logical/system-view.js';
export * from './framework/types.js';
export * from './framework/index.js';
export * from './storage/list-children.js';
export * from './concurrency/keyed-mutex.js';
// The external-plugin runtime (gRPC, TLS) is a separate entry point: import from '@coffer/sdk/plugin/index.js'.
// Database plugin contract (types only: no runtime import of the plugin runtime).
export type * from './plugin/database.js';
export * from './template/username-template.js';
