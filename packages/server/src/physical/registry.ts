import { CofferError, type Logger } from '@coffer/sdk';
import type { PhysicalBackend, PhysicalFactory } from './types.js';
import { openInmem } from './inmem.js';
import { openFile } from './file.js';
import { openSqlite } from './sqlite.js';
import { openPostgresql } from './postgresql.js';
import { openEtcd } from './etcd.js';

/**
 * Storage types by the name used in the config stanza (`storage "TYPE" { … }`).
 * A new backend (postgresql, etcd, …) is one line here.
 */
const factories: Readonly<Record<string, PhysicalFactory>> = {
  inmem: () => openInmem(),
  file: openFile,
  sqlite: openSqlite,
  postgresql: (config, logger) => openPostgresql(config, logger),
  etcd: (config, logger) => openEtcd(config, logger),
};

/** The storage types this build supports, sorted. */
export function supportedPhysicalTypes(): string[] {
  return Object.keys(factories).sort();
}

/** Opens the storage named by a config stanza. */
export async function createPhysical(
  type: string,
  config: Record<string, string>,
  logger: Logger,
): Promise<PhysicalBackend> {
  const factory = Object.hasOwn(factories, type) ? factories[type] : undefined;
  if (!factory) {
    throw new CofferError(
      'invalid_request',
      `unknown storage type "${type}"; supported types: ${supportedPhysicalTypes().join(', ')}`,
    );
  }
  return factory(config ?? {}, logger.child({ storage: type }));
}
