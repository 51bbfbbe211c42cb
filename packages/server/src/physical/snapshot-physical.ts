import { isTransactional, type StorageEntry, type TxnOp } from '@coffer/sdk';
import { walkKeys } from '../migrate/storage-walk.js';
import { hasChangeFeed, isHABackend, type ChangeListener, type HALock } from './ha.js';
import type { PhysicalBackend } from './types.js';

/** One snapshot being read: the value each key had when it started, kept for keys written since. */
interface SnapshotState {
  /** Keys the walk has read already: later writes to them need no preimage. */
  visited: Set<string>;
  /** key → its value when the snapshot started (null: it did not exist), for keys written since. */
  preimages: Map<string, Promise<Buffer | null>>;
}

/**
 * The server's physical storage, able to give a consistent point-in-time
 * snapshot of itself while it keeps serving, on any backend (copy on write):
 * while a snapshot is read, the first write to a key the walk has not read
 * yet first saves the key's old value, and the walk uses that. Writers never
 * wait for the walk, only for that one read. Capabilities of the backend
 * below (transactions, the HA lock, the change feed) are passed through.
 */
export class SnapshotPhysical implements PhysicalBackend {
  readonly name: string;
  readonly transaction?: (ops: TxnOp[]) => Promise<void>;
  readonly haEnabled?: boolean;
  readonly lockWith?: (key: string, value: string) => HALock;
  readonly watchChanges?: (listener: ChangeListener) => Promise<() => Promise<void>>;
  private active: SnapshotState | null = null;

  constructor(readonly inner: PhysicalBackend) {
    this.name = inner.name;
    if (isTransactional(inner)) {
      this.transaction = async (ops) => {
        await this.preserve(ops.map((op) => (op.op === 'put' ? op.entry.key : op.key)));
        await inner.transaction(ops);
      };
    }
    if (isHABackend(inner)) {
      this.haEnabled = inner.haEnabled;
      this.lockWith = (key, value) => inner.lockWith(key, value);
    }
    if (hasChangeFeed(inner)) this.watchChanges = (listener) => inner.watchChanges(listener);
  }

  get(key: string): Promise<StorageEntry | null> {
    return this.inner.get(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    return this.inner.listPage(prefix, after, limit);
  }

  async put(entry: StorageEntry): Promise<void> {
    if (this.active) await this.preserve([entry.key]);
    return this.inner.put(entry);
  }

  async delete(key: string): Promise<void> {
    if (this.active) await this.preserve([key]);
    return this.inner.delete(key);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Every entry as it was when the call started, as stored (encrypted). One snapshot at a time. */
  async *snapshot(): AsyncGenerator<StorageEntry> {
    if (this.active) throw new Error('a snapshot is already being taken; try again when it is done');
    const state: SnapshotState = { visited: new Set(), preimages: new Map() };
    this.active = state;
    try {
      for await (const key of walkKeys(this.inner)) {
        const read = await this.inner.get(key);
        state.visited.add(key);
        const kept = state.preimages.get(key);
        const value = kept ? await kept : (read?.value ?? null);
        if (value) yield { key, value: Buffer.from(value) };
      }
      // Keys deleted (or rewritten) before the walk reached them, and no longer listed.
      const rest = [...state.preimages.keys()].filter((key) => !state.visited.has(key)).sort();
      for (const key of rest) {
        const value = await state.preimages.get(key)!;
        if (value) yield { key, value };
      }
    } finally {
      this.active = null;
    }
  }

  /** Saves the current value of keys the walk has not read yet, before they change. */
  private async preserve(keys: string[]): Promise<void> {
    const state = this.active;
    if (!state) return;
    const waits: Promise<Buffer | null>[] = [];
    for (const key of keys) {
      if (state.visited.has(key)) continue;
      let kept = state.preimages.get(key);
      if (!kept) {
        // Set before awaiting: a second writer of the same key waits for this read too.
        kept = this.inner.get(key).then((entry) => (entry ? Buffer.from(entry.value) : null));
        state.preimages.set(key, kept);
      }
      waits.push(kept);
    }
    await Promise.all(waits);
  }
}
