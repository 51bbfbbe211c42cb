import type { Operation, Request } from '../logical/request.js';
import type { Storage } from '../storage/storage.js';
import { authFromWire, authToWire, decodeJsonObject, secretFromWire, secretToWire } from './lease-codec.js';
import type { WireRequest } from './wire-types.js';

/** A request as it crosses to the plugin. Its storage travels separately, as a storage_id. */
export function requestToWire(req: Request): WireRequest {
  const headers: WireRequest['headers'] = Object.fromEntries(Object.entries(req.headers ?? {}).map(([name, values]) => [name, { values: [...values] }]));
  return {
    id: req.id,
    operation: req.operation,
    path: req.path,
    data: JSON.stringify(req.data ?? {}),
    mount_point: req.mountPoint ?? '',
    mount_type: req.mountType ?? '',
    mount_accessor: req.mountAccessor ?? '',
    client_token: req.clientToken ?? '',
    client_token_accessor: req.clientTokenAccessor ?? '',
    client_token_remaining_uses: req.clientTokenRemainingUses ?? 0,
    display_name: req.displayName ?? '',
    entity_id: req.entityId ?? '',
    policies: req.policies ?? [],
    connection: req.connection
      ? {
          remote_address: req.connection.remoteAddress,
          remote_port: req.connection.remotePort ?? 0,
          peer_certificates: req.connection.peerCertificates ?? [],
        }
      : null,
    headers,
    secret: req.secret ? secretToWire(req.secret) : null,
    auth: req.auth ? authToWire(req.auth) : null,
    wrap_info: req.wrapInfo ? { ttl: req.wrapInfo.ttl, format: req.wrapInfo.format } : null,
    unauthenticated: req.unauthenticated ?? false,
  };
}

/** A request as the plugin's backend sees it, bound to the given storage. */
export function requestFromWire(wire: WireRequest, storage: Storage): Request {
  const headers: Record<string, string[]> = Object.fromEntries(Object.entries(wire.headers ?? {}).map(([name, h]) => [name, [...(h.values ?? [])]]));
  const req: Request = {
    id: wire.id,
    operation: wire.operation as Operation,
    path: wire.path,
    data: decodeJsonObject(wire.data, 'request.data'),
    storage,
    mountPoint: wire.mount_point,
    mountType: wire.mount_type,
    mountAccessor: wire.mount_accessor,
    clientToken: wire.client_token,
    clientTokenAccessor: wire.client_token_accessor,
    clientTokenRemainingUses: wire.client_token_remaining_uses,
    displayName: wire.display_name,
    entityId: wire.entity_id,
    policies: wire.policies ?? [],
    headers,
    unauthenticated: wire.unauthenticated,
  };
  if (wire.connection) {
    req.connection = { remoteAddress: wire.connection.remote_address };
    if (wire.connection.remote_port) req.connection.remotePort = wire.connection.remote_port;
    if (wire.connection.peer_certificates?.length) req.connection.peerCertificates = wire.connection.peer_certificates;
  }
  if (wire.secret) req.secret = secretFromWire(wire.secret);
  if (wire.auth) req.auth = authFromWire(wire.auth);
  if (wire.wrap_info) req.wrapInfo = { ttl: wire.wrap_info.ttl, format: wire.wrap_info.format === 'jwt' ? 'jwt' : '' };
  return req;
}
