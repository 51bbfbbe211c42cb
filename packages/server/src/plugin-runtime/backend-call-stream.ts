import * as grpc from '@grpc/grpc-js';
import { pluginProtocol } from '@coffer/sdk/plugin/index.js';

/** The Backend methods the Calls stream carries. */
export const STREAMED_METHODS: ReadonlySet<string> = new Set(['HandleRequest', 'HandleExistenceCheck']);

interface Pending {
  method: string;
  request: unknown;
  resolve: (reply: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * The server's end of Backend.Calls (see backend.proto): HandleRequest and
 * HandleExistenceCheck as messages on one long-lived stream instead of a
 * unary call each. A plugin without the stream answers UNIMPLEMENTED; the
 * calls it was carrying are then made as unary calls, and so is every later
 * one. When the stream breaks otherwise, its calls fail with the stream's
 * gRPC error (mapped like a unary call's by the caller) and the next call
 * opens a new stream. A call the plugin leaves unanswered past the deadline
 * fails with DEADLINE_EXCEEDED and stops being in flight, as a unary call's
 * deadline does; a late reply to it is dropped.
 */
export class BackendCallStream {
  private stream: grpc.ClientDuplexStream<pluginProtocol.BackendCallBatch, pluginProtocol.BackendCallReplyBatch> | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private unsupported = false;
  private readonly outgoing = new pluginProtocol.MessageBatcher<pluginProtocol.BackendCall>((calls) => this.stream?.write({ calls }));

  constructor(
    private readonly client: grpc.Client,
    private readonly unary: <Rep>(method: string, request: unknown) => Promise<Rep>,
    private readonly deadlineMs: number,
  ) {}

  call<Rep>(method: string, request: unknown): Promise<Rep> {
    if (this.unsupported) return this.unary<Rep>(method, request);
    const stream = this.open();
    const id = ++this.nextId;
    return new Promise<Rep>((resolve, reject) => {
      const deadline = setTimeout(() => this.expire(id), this.deadlineMs);
      deadline.unref();
      this.pending.set(id, {
        method,
        request,
        resolve: (reply) => {
          clearTimeout(deadline);
          resolve(reply as Rep);
        },
        reject: (err) => {
          clearTimeout(deadline);
          reject(err);
        },
      });
      this.outgoing.push({ id, method, args: request as pluginProtocol.HandleRequestArgs });
    });
  }

  private expire(id: number): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    call.reject(
      Object.assign(new Error(`${call.method} did not answer within ${this.deadlineMs} ms`), {
        code: grpc.status.DEADLINE_EXCEEDED,
        details: 'deadline exceeded',
        metadata: new grpc.Metadata(),
      }),
    );
  }

  /**
   * The process is gone or stopping: calls still waiting fail now with
   * UNAVAILABLE. (Cancelling alone would leave them to their deadline: the
   * stream's own error arrives after it is no longer the current stream.)
   */
  close(): void {
    const stream = this.stream;
    if (!stream) return;
    this.broken(stream, Object.assign(new Error('the plugin process is gone'), { code: grpc.status.UNAVAILABLE, details: 'plugin process exited', metadata: new grpc.Metadata() }));
    stream.cancel();
  }

  private open(): grpc.ClientDuplexStream<pluginProtocol.BackendCallBatch, pluginProtocol.BackendCallReplyBatch> {
    if (this.stream) return this.stream;
    const stream = (this.client as unknown as { Calls(): grpc.ClientDuplexStream<pluginProtocol.BackendCallBatch, pluginProtocol.BackendCallReplyBatch> }).Calls();
    this.stream = stream;
    stream.on('data', (batch: pluginProtocol.BackendCallReplyBatch) => {
      for (const reply of batch.replies) {
        const call = this.pending.get(reply.id);
        if (!call) continue;
        this.pending.delete(reply.id);
        if (reply.error) call.reject(pluginProtocol.errorFromWire(reply.error));
        else call.resolve(reply.handle_request ?? reply.existence_check ?? {});
      }
    });
    stream.on('error', (err: grpc.ServiceError) => this.broken(stream, err));
    stream.on('end', () =>
      this.broken(stream, Object.assign(new Error('the plugin ended the Backend.Calls stream'), { code: grpc.status.UNAVAILABLE, details: 'stream ended', metadata: new grpc.Metadata() })),
    );
    return stream;
  }

  private broken(stream: object, err: grpc.ServiceError): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    const calls = [...this.pending.values()];
    this.pending.clear();
    if (err.code === grpc.status.UNIMPLEMENTED) {
      this.unsupported = true;
      for (const call of calls) this.unary(call.method, call.request).then(call.resolve, call.reject);
      return;
    }
    for (const call of calls) call.reject(err);
  }
}
