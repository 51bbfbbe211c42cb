import { CofferError, type Logger, type Storage, type SystemView } from '@coffer/sdk';
import { readConnection } from './entries.js';
import { ManagementClient } from './management-client.js';

export interface RabbitContext {
  system: SystemView;
  logger: Logger;
}

/** The management API client of the configured connection. */
export async function managementClient(storage: Storage): Promise<ManagementClient> {
  const conn = await readConnection(storage);
  if (!conn) throw new CofferError('invalid_request', 'configure the connection first: write rabbitmq/config/connection');
  return new ManagementClient(conn);
}
