import * as grpc from '@grpc/grpc-js';
import { errorToWire } from './error-codec.js';
import { callerIs } from './tls.js';
import { MessageBatcher } from './message-batcher.js';
import type { BackendCall, BackendCallBatch, BackendCallReply, BackendCallReplyBatch, ExistenceCheckReply, HandleRequestArgs, HandleRequestReply } from './wire-types.js';

export interface StreamedBackendMethods {
  HandleRequest(args: HandleRequestArgs): Promise<HandleRequestReply>;
  HandleExistenceCheck(args: HandleRequestArgs): Promise<ExistenceCheckReply>;
}

/**
 * Inside a plugin: the Backend.Calls stream (see backend.proto). Each call
 * runs as soon as it arrives and is answered when it is done, so a slow call
 * does not hold up the others. Errors travel in the reply, as for unary calls.
 */
export function backendCallsHandler(methods: StreamedBackendMethods, expectedPeerDer: Buffer) {
  return (stream: grpc.ServerDuplexStream<BackendCallBatch, BackendCallReplyBatch>): void => {
    // Checked once for the whole stream (the TLS layer enforces it anyway).
    if (!callerIs(stream, expectedPeerDer)) {
      stream.destroy(Object.assign(new Error('the caller did not present the expected certificate'), { code: grpc.status.PERMISSION_DENIED }));
      return;
    }
    let open = true;
    const replies = new MessageBatcher<BackendCallReply>((batch) => {
      if (open) stream.write({ replies: batch });
    });
    const reply = (message: BackendCallReply) => replies.push(message);
    const run = (call: BackendCall): void => {
      const args = call.args ?? { backend_id: '', storage_id: '', request: null };
      if (call.method === 'HandleRequest') {
        methods.HandleRequest(args).then(
          (handle_request) => reply({ id: call.id, handle_request }),
          (err: unknown) => reply({ id: call.id, handle_request: { error: errorToWire(err) } }),
        );
      } else if (call.method === 'HandleExistenceCheck') {
        methods.HandleExistenceCheck(args).then(
          (existence_check) => reply({ id: call.id, existence_check }),
          (err: unknown) => reply({ id: call.id, existence_check: { check_found: false, exists: false, error: errorToWire(err) } }),
        );
      } else {
        reply({ id: call.id, error: { code: 'unsupported_operation', message: `Backend.Calls does not carry ${call.method}`, errors: [] } });
      }
    };
    stream.on('data', (batch: BackendCallBatch) => {
      for (const call of batch.calls) run(call);
    });
    const close = () => {
      if (!open) return;
      open = false;
      stream.end();
    };
    stream.on('end', close);
    stream.on('error', () => {
      open = false;
    });
  };
}
