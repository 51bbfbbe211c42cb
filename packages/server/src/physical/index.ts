export type { PhysicalBackend, PhysicalFactory } from './types.js';
export { createPhysical, supportedPhysicalTypes } from './registry.js';
export { InmemBackend, openInmem } from './inmem.js';
export { FileBackend, openFile } from './file.js';
export { SqliteBackend, openSqlite, SQLITE_FILE_NAME } from './sqlite.js';
export type { HABackend, HALock, ChangeFeed, ChangeListener } from './ha.js';
export { isHABackend, hasChangeFeed } from './ha.js';
export { PostgresqlBackend, openPostgresql } from './postgresql.js';
export { EtcdBackend, openEtcd } from './etcd.js';
