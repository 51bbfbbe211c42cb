/**
 * The building blocks of the plugin protocol, for the server's side of it
 * (packages/server/src/plugin-runtime) and for tools. Plugin authors need
 * only serve() and serveDatabase(). Exported from the SDK as `pluginProtocol`.
 */
export * from './constants.js';
export * from './handshake.js';
export * from './tls.js';
export { MessageBatcher } from './message-batcher.js';
export * from './proto.js';
export { PROTO_SOURCES } from './proto-sources.js';
export * from './error-codec.js';
export * from './lease-codec.js';
export * from './request-codec.js';
export * from './response-codec.js';
export * from './database-codec.js';
export { unaryCall, unaryHandlers, isGrpcServiceError } from './grpc-util.js';
export type * from './wire-types.js';
