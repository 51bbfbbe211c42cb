import type { Storage, StorageEntry, Transactional, TxnOp } from './storage.js';
import { listChildren } from './list-children.js';

/**
 * In-memory storage: the dev server's physical backend and the storage used
 * by unit tests. Values are copied in and out so callers cannot mutate it.
 */
export class InmemStorage implements Storage, Transactional {
  private readonly entries = new Map<string, Buffer>();

  async get(key: string): Promise<StorageEntry | null> {
    const value = this.entries.get(key);
    return value ? { key, value: Buffer.from(value) } : null;
  }

  async put(entry: StorageEntry): Promise<void> {
    this.entries.set(entry.key, Buffer.from(entry.value));
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async list(prefix: string): Promise<string[]> {
    return listChildren(this.entries.keys(), prefix, '', 0);
  }

  async listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    return listChildren(this.entries.keys(), prefix, after, limit);
  }

  async transaction(ops: TxnOp[]): Promise<void> {
    for (const op of ops) {
      if (op.op === 'put') this.entries.set(op.entry.key, Buffer.from(op.entry.value));
      else this.entries.delete(op.key);
    }
  }

  /** Number of keys held (for tests). */
  get size(): number {
    return this.entries.size;
  }
}
