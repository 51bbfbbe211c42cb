export { databaseFactory, createDatabaseBackend, type DatabaseOptions } from './backend.js';
export { defaultPassword } from './password.js';
