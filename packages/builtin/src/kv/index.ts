export { kvFactory, createKvFactory, type KvOptions } from './factory.js';
export { KvBackend } from './kv-backend.js';
