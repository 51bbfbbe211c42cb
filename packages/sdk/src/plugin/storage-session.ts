import * as grpc from '@grpc/grpc-js';
import { CofferError } from '../errors.js';
import { errorFromWire } from './error-codec.js';
import { MessageBatcher } from './message-batcher.js';
import type { StorageEvent, StorageEventBatch, StorageOp, StorageOpBatch, StorageOpKind, WireStorageEntry } from './wire-types.js';

/** What a cache of one storage_id needs to hear from the session. */
export interface SessionListener {
  /** The server says `key` changed elsewhere ("" = everything). */
  invalidate(key: string): void;
  /** The session is gone: nothing cached can be trusted any more. */
  lost(): void;
}

export interface SessionOpInput {
  kind: StorageOpKind;
  storageId: string;
  key?: string;
  entry?: WireStorageEntry;
  after?: string;
  limit?: number;
}

interface Waiter {
  resolve: (event: StorageEvent) => void;
  reject: (err: Error) => void;
}

/**
 * Inside a plugin: the optional Storage.Session stream to one host (see
 * storage.proto). Every storage operation of every mount of this process
 * travels on it, in order, as small messages on one HTTP/2 stream instead of
 * one unary call (and HTTP/2 stream) each; the host's invalidations come
 * back on it. open() says whether the host offers it at all: an older host
 * answers UNIMPLEMENTED and the plugin keeps using the unary calls.
 */
export class StorageSession {
  private stream: grpc.ClientDuplexStream<StorageOpBatch, StorageEventBatch> | undefined;
  private readonly outgoing = new MessageBatcher<StorageOp>((ops) => {
    if (!this.closedError) this.stream?.write({ ops });
  });
  private seq = 0;
  private readonly waiting = new Map<number, Waiter>();
  private readonly listeners = new Map<string, SessionListener>();
  private closedError: Error | undefined;

  constructor(private readonly client: grpc.Client) {}

  /** True while the stream is usable. */
  get isOpen(): boolean {
    return this.stream !== undefined && this.closedError === undefined;
  }

  /**
   * Starts watching `storageId`: resolves true once the host confirmed it
   * will announce foreign writes, false when the host has no Session (or it
   * broke), in which case the caller must not cache.
   */
  async watch(storageId: string, listener: SessionListener): Promise<boolean> {
    if (this.closedError) return false;
    this.ensureStream();
    this.listeners.set(storageId, listener);
    try {
      await this.send({ kind: 'STORAGE_OP_WATCH', storageId });
      return true;
    } catch {
      this.listeners.delete(storageId);
      return false;
    }
  }

  /** Stops caring about `storageId` (the mount was cleaned up). */
  unwatch(storageId: string): void {
    this.listeners.delete(storageId);
  }

  /** One operation; resolves with the host's answer, rejects with its error as a CofferError. */
  send(op: SessionOpInput): Promise<StorageEvent> {
    if (this.closedError || !this.stream) return Promise.reject(this.closedError ?? new CofferError('unavailable', 'the storage session is not open'));
    const seq = ++this.seq;
    const promise = new Promise<StorageEvent>((resolve, reject) => this.waiting.set(seq, { resolve, reject }));
    this.outgoing.push(wireOp(seq, op));
    return promise;
  }

  private ensureStream(): void {
    if (this.stream) return;
    const stream = (this.client as unknown as { Session(): grpc.ClientDuplexStream<StorageOpBatch, StorageEventBatch> }).Session();
    this.stream = stream;
    stream.on('data', (batch: StorageEventBatch) => {
      for (const event of batch.events) this.onEvent(event);
    });
    stream.on('error', (err: Error) => this.close(err));
    stream.on('end', () => this.close(new CofferError('unavailable', 'the Coffer server ended the storage session')));
  }

  private onEvent(event: StorageEvent): void {
    if (event.seq === 0) {
      // An invalidation: forget first, acknowledge second, so that the
      // writer's acknowledgement (which waits for ours) implies we forgot.
      const listener = this.listeners.get(event.storage_id);
      listener?.invalidate(event.key);
      this.outgoing.push(wireOp(++this.seq, { kind: 'STORAGE_OP_ACK_INVALIDATION', storageId: event.storage_id }, event.invalidation));
      return;
    }
    const waiter = this.waiting.get(event.seq);
    if (!waiter) return;
    this.waiting.delete(event.seq);
    if (event.error) waiter.reject(errorFromWire(event.error));
    else waiter.resolve(event);
  }

  private close(err: Error): void {
    if (this.closedError) return;
    const reason = err instanceof CofferError ? err : new CofferError('unavailable', `storage session: the Coffer server could not be reached (${err.message})`);
    this.closedError = reason;
    for (const waiter of this.waiting.values()) waiter.reject(reason);
    this.waiting.clear();
    for (const listener of this.listeners.values()) listener.lost();
    this.listeners.clear();
    this.stream?.end();
  }
}

function wireOp(seq: number, op: SessionOpInput, invalidation = 0): StorageOp {
  return {
    seq,
    kind: op.kind,
    storage_id: op.storageId,
    key: op.key ?? '',
    entry: op.entry ?? null,
    after: op.after ?? '',
    limit: op.limit ?? 0,
    invalidation,
  };
}
