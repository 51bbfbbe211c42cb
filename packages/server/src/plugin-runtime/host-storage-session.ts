import * as grpc from '@grpc/grpc-js';
import { CofferError, type Storage } from '@coffer/sdk';
import { pluginProtocol } from '@coffer/sdk/plugin/index.js';
import { storageCoherence, type StorageWatcher } from './storage-coherence.js';

type Op = pluginProtocol.StorageOp;
type Event = pluginProtocol.StorageEvent;

/** How long a plugin has to acknowledge an invalidation before it loses its session. */
const INVALIDATION_ACK_MS = 1000;

/**
 * The server's end of one plugin process's Storage.Session (see
 * storage.proto): applies each storage's operations in the order received,
 * announces other writers' changes to the storages the plugin watches, and
 * waits for the plugin's acknowledgement of those announcements.
 */
export class HostStorageSession {
  /** Per storage_id: the operation last queued, so the next one runs after it. */
  private readonly tails = new Map<string, Promise<void>>();
  /** Storages whose last write failed: refused until the plugin resets. */
  private readonly failed = new Set<string>();
  private readonly watchers = new Map<string, { watcher: StorageWatcher; unwatch: () => void }>();
  private readonly awaitingAck = new Map<number, () => void>();
  private invalidations = 0;
  private ended = false;
  private readonly outgoing = new pluginProtocol.MessageBatcher<Partial<Event>>((events) => {
    if (!this.ended) this.stream.write({ events: events as Event[] });
  });

  constructor(
    private readonly stream: grpc.ServerDuplexStream<pluginProtocol.StorageOpBatch, pluginProtocol.StorageEventBatch>,
    private readonly resolve: (storageId: string) => Storage,
    private readonly onEnd: () => void,
  ) {
    stream.on('data', (batch: pluginProtocol.StorageOpBatch) => {
      for (const op of batch.ops) this.receive(op);
    });
    stream.on('end', () => this.end());
    stream.on('error', () => this.end());
    stream.on('close', () => this.end());
  }

  private receive(op: Op): void {
    if (op.kind === 'STORAGE_OP_ACK_INVALIDATION') {
      this.awaitingAck.get(op.invalidation)?.();
      return;
    }
    const id = op.storage_id;
    const run = (this.tails.get(id) ?? Promise.resolve()).then(() => this.apply(op));
    const tail = run.then(
      (event) => this.send(event),
      (err: unknown) => {
        if (op.kind === 'STORAGE_OP_PUT' || op.kind === 'STORAGE_OP_DELETE') this.failed.add(id);
        this.send({ seq: op.seq, error: pluginProtocol.errorToWire(err) });
      },
    );
    this.tails.set(id, tail);
    // Forget the tail once nothing follows it, so idle storages cost nothing.
    void tail.then(() => {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    });
  }

  private async apply(op: Op): Promise<Partial<Event>> {
    const id = op.storage_id;
    if (op.kind === 'STORAGE_OP_RESET') {
      this.failed.delete(id);
      return { seq: op.seq };
    }
    if (this.failed.has(id)) throw new CofferError('unavailable', 'an earlier write of this storage failed; reset the session storage first');
    const storage = this.resolve(id);
    switch (op.kind) {
      case 'STORAGE_OP_GET': {
        const entry = await storage.get(op.key);
        return { seq: op.seq, entry: entry ? { key: entry.key, value: entry.value, seal_wrap: entry.sealWrap ?? false } : null };
      }
      case 'STORAGE_OP_PUT': {
        if (!op.entry) throw new CofferError('invalid_request', 'PUT needs an entry');
        await storage.put({ key: op.entry.key, value: Buffer.from(op.entry.value), ...(op.entry.seal_wrap ? { sealWrap: true } : {}) });
        await storageCoherence.changed(storage, op.entry.key, this.watchers.get(id)?.watcher);
        return { seq: op.seq };
      }
      case 'STORAGE_OP_DELETE':
        await storage.delete(op.key);
        await storageCoherence.changed(storage, op.key, this.watchers.get(id)?.watcher);
        return { seq: op.seq };
      case 'STORAGE_OP_LIST':
        return { seq: op.seq, keys: await storage.list(op.key) };
      case 'STORAGE_OP_LIST_PAGE':
        return { seq: op.seq, keys: await storage.listPage(op.key, op.after, op.limit) };
      case 'STORAGE_OP_WATCH':
        this.watchStorage(id, storage);
        return { seq: op.seq };
      default:
        throw new CofferError('invalid_request', `unknown storage operation ${String(op.kind)}`);
    }
  }

  private watchStorage(id: string, storage: Storage): void {
    if (this.watchers.has(id)) return;
    const watcher: StorageWatcher = { invalidate: (key) => this.invalidate(id, key) };
    this.watchers.set(id, { watcher, unwatch: storageCoherence.watch(storage, watcher) });
  }

  /** Tells the plugin to forget `key`; a plugin too slow to confirm loses the session (and with it its cache). */
  private invalidate(storageId: string, key: string): Promise<void> {
    if (this.ended) return Promise.resolve();
    const invalidation = ++this.invalidations;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.awaitingAck.delete(invalidation);
        this.stream.destroy(new Error('the plugin did not acknowledge a storage invalidation in time'));
        this.end();
        resolve();
      }, INVALIDATION_ACK_MS);
      this.awaitingAck.set(invalidation, () => {
        clearTimeout(timer);
        this.awaitingAck.delete(invalidation);
        resolve();
      });
      this.send({ seq: 0, invalidation, storage_id: storageId, key });
    });
  }

  /** A storage released by the server (mount gone) stops being watched. */
  release(storageId: string): void {
    this.watchers.get(storageId)?.unwatch();
    this.watchers.delete(storageId);
  }

  private send(event: Partial<Event>): void {
    if (!this.ended) this.outgoing.push(event);
  }

  /** The server is done with this plugin process. */
  close(): void {
    this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    for (const { unwatch } of this.watchers.values()) unwatch();
    this.watchers.clear();
    for (const resolve of this.awaitingAck.values()) resolve();
    this.awaitingAck.clear();
    try {
      this.stream.end();
    } catch {
      // already closed
    }
  }
}
