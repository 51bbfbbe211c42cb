import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { PROTO_SOURCES } from './proto-sources.js';

/** The protobuf package every Coffer plugin service lives in. */
export const PROTO_PACKAGE = 'coffer.plugin.v1';

/** The services of the protocol, as grpc-js service definitions. */
export interface PluginProtocol {
  Backend: grpc.ServiceClientConstructor;
  Storage: grpc.ServiceClientConstructor;
  SystemView: grpc.ServiceClientConstructor;
  Database: grpc.ServiceClientConstructor;
}

let cached: PluginProtocol | undefined;

/**
 * Parses the embedded .proto text (see proto/embed.mjs for why it is
 * embedded) once and returns the service definitions. Messages are plain
 * objects with the .proto's snake_case field names, int64 as JS numbers,
 * and every absent scalar/array/map filled with its default.
 */
export function loadPluginProtocol(): PluginProtocol {
  if (cached) return cached;
  const root = new protobuf.Root();
  for (const text of Object.values(PROTO_SOURCES)) protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  const definition = fromJSON(root.toJSON(), {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    arrays: true,
    objects: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    coffer: { plugin: { v1: Record<string, grpc.ServiceClientConstructor> } };
  };
  const pkg = loaded.coffer.plugin.v1;
  cached = { Backend: pkg.Backend!, Storage: pkg.Storage!, SystemView: pkg.SystemView!, Database: pkg.Database! };
  return cached;
}
