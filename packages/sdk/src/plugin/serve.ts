import type { Logger } from '../logger.js';
import type { BackendFactory } from '../logical/backend.js';
import { backendCallsHandler } from './backend-calls.js';
import { backendService } from './backend-service.js';
import { LOG_LEVEL_ENV, STREAMS_ENV } from './constants.js';
import { unaryHandlers } from './grpc-util.js';
import { HostConnection } from './host-connection.js';
import { startPluginServer, type PluginServerOptions } from './plugin-server.js';
import { loadPluginProtocol } from './proto.js';
import { createStderrLogger, logLevelFrom } from './stderr-logger.js';

export interface ServeOptions extends PluginServerOptions {
  /** Defaults to JSON lines on stderr, which the server logs under the plugin's name. */
  logger?: Logger;
}

/**
 * Runs this process as an external secrets-engine or auth-method plugin: the
 * one call a plugin's entry file makes. Every mount the server sets up gets
 * its own backend from `factory`, with storage and a system view served by
 * the server. Resolves once the plugin is listening; the process then lives
 * until the server stops it.
 *
 *   import { serve } from '@coffer/sdk/plugin/index.js';
 *   import { factory } from './backend.js';
 *   serve(factory);
 *
 * Run without the server's magic cookie, it prints what it is and exits 1.
 */
export async function serve(factory: BackendFactory, options: ServeOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createStderrLogger({ level: logLevelFrom(env[LOG_LEVEL_ENV]) ?? 'info' });
  await startPluginServer((server, ctx) => {
    const host = new HostConnection(ctx.identity, ctx.hostCertDer);
    const streams = env[STREAMS_ENV] !== 'off';
    const service = backendService(factory, host, logger, { storageSession: streams });
    server.addService(loadPluginProtocol().Backend.service, {
      ...unaryHandlers(service, ctx.hostCertDer),
      // Left out, the server's Calls stream gets UNIMPLEMENTED and it falls back to unary calls.
      ...(streams ? { Calls: backendCallsHandler(service, ctx.hostCertDer) } : {}),
    });
  }, options);
}
