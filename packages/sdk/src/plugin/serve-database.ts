import type { DatabasePlugin, DatabasePluginFactory } from './database.js';
import { databaseService } from './database-service.js';
import { unaryHandlers } from './grpc-util.js';
import { startPluginServer, type PluginServerOptions } from './plugin-server.js';
import { loadPluginProtocol } from './proto.js';

/**
 * Runs this process as an external database plugin. Pass a factory to give
 * each configured connection its own instance (recommended), or a single
 * object that every connection shares.
 *
 *   import { serveDatabase } from '@coffer/sdk/plugin/index.js';
 *   serveDatabase(() => new MyDatabase());
 */
export async function serveDatabase(db: DatabasePlugin | DatabasePluginFactory, options: PluginServerOptions = {}): Promise<void> {
  await startPluginServer((server, ctx) => {
    server.addService(loadPluginProtocol().Database.service, unaryHandlers(databaseService(db), ctx.hostCertDer));
  }, options);
}
