import * as grpc from '@grpc/grpc-js';
import { CofferError } from '../errors.js';
import { throwIfError } from './error-codec.js';
import { isGrpcServiceError, unaryCall } from './grpc-util.js';
import { loadPluginProtocol } from './proto.js';
import { StorageSession } from './storage-session.js';
import { CHANNEL_OPTIONS, channelCredentials, unixTarget, type TlsIdentity } from './tls.js';
import type { WireError } from './wire-types.js';

/**
 * The plugin's side of the host services (Storage, SystemView): clients
 * dialled lazily to the address a Setup names, with this plugin's identity
 * as the client certificate and the server's certificate pinned.
 */
export class HostConnection {
  private readonly clients = new Map<string, { storage: grpc.Client; systemView: grpc.Client }>();
  private readonly sessions = new Map<string, StorageSession>();

  constructor(
    private readonly identity: TlsIdentity,
    private readonly hostCertDer: Buffer,
  ) {}

  private clientsFor(address: string): { storage: grpc.Client; systemView: grpc.Client } {
    let clients = this.clients.get(address);
    if (!clients) {
      const proto = loadPluginProtocol();
      const creds = channelCredentials(this.identity, this.hostCertDer);
      const storage = new proto.Storage(unixTarget(address), creds, CHANNEL_OPTIONS);
      // Both services share one channel (one TLS connection) to the host.
      const systemView = new proto.SystemView(unixTarget(address), creds, { ...CHANNEL_OPTIONS, channelOverride: storage.getChannel() });
      clients = { storage, systemView };
      this.clients.set(address, clients);
    }
    return clients;
  }

  /** The Storage.Session stream to `address`, shared by every mount of this process served from there. */
  session(address: string): StorageSession {
    let session = this.sessions.get(address);
    if (!session) {
      session = new StorageSession(this.clientsFor(address).storage);
      this.sessions.set(address, session);
    }
    return session;
  }

  /** Calls a Storage method; application errors are rethrown as CofferErrors. */
  storage<Rep extends { error?: WireError | null }>(address: string, method: string, request: unknown): Promise<Rep> {
    return call<Rep>(this.clientsFor(address).storage, 'storage', method, request);
  }

  systemView<Rep extends { error?: WireError | null }>(address: string, method: string, request: unknown): Promise<Rep> {
    return call<Rep>(this.clientsFor(address).systemView, 'system view', method, request);
  }
}

async function call<Rep extends { error?: WireError | null }>(client: grpc.Client, service: string, method: string, request: unknown): Promise<Rep> {
  let reply: Rep;
  try {
    reply = await unaryCall<Rep>(client, method, request);
  } catch (err) {
    const detail = isGrpcServiceError(err) ? err.details : String(err);
    throw new CofferError('unavailable', `${service} ${method}: the Coffer server could not be reached (${detail})`);
  }
  throwIfError(reply);
  return reply;
}
