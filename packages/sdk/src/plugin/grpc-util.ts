import * as grpc from '@grpc/grpc-js';
import { callerIs } from './tls.js';
import { errorToWire } from './error-codec.js';

/** Calls a unary method of a dynamic grpc-js client as a promise. */
export function unaryCall<Rep>(client: grpc.Client, method: string, request: unknown, deadlineMs?: number): Promise<Rep> {
  const fn = (client as unknown as Record<string, Function>)[method];
  if (typeof fn !== 'function') return Promise.reject(new Error(`no method ${method} on this client`));
  const options: grpc.CallOptions = deadlineMs !== undefined ? { deadline: Date.now() + deadlineMs } : {};
  return new Promise<Rep>((resolve, reject) => {
    fn.call(client, request, new grpc.Metadata(), options, (err: grpc.ServiceError | null, reply: Rep) => {
      if (err) reject(err);
      else resolve(reply);
    });
  });
}

/** True for the errors grpc-js raises (they carry a numeric status code). */
export function isGrpcServiceError(err: unknown): err is grpc.ServiceError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' && 'metadata' in err;
}

type UnaryImpl = (request: any) => Promise<object>;

/**
 * Turns a map of async method implementations into grpc-js handlers. Every
 * reply message of the protocol has an `error` field: a thrown error becomes
 * that field (keeping its CofferError code), never a gRPC status, because a
 * gRPC status means "the transport or the peer failed".
 *
 * `expectedPeerDer`: only a caller presenting exactly this certificate is
 * served (the TLS layer already enforces this; the check is belt and braces).
 */
export function unaryHandlers(impls: Record<string, UnaryImpl>, expectedPeerDer: Buffer): grpc.UntypedServiceImplementation {
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const [name, impl] of Object.entries(impls)) {
    handlers[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (!callerIs(call, expectedPeerDer)) {
        callback({ code: grpc.status.PERMISSION_DENIED, details: 'the caller did not present the expected certificate' });
        return;
      }
      impl(call.request).then(
        (reply) => callback(null, reply),
        (err: unknown) => callback(null, { error: errorToWire(err) }),
      );
    };
  }
  return handlers;
}
