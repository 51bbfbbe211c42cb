import { isTransactional, type Storage, type StorageEntry, type TxnOp } from './storage.js';

/**
 * A view restricts a storage to everything under a prefix and strips the
 * prefix from keys: each mount gets a view under its UUID, so a backend can
 * neither see nor touch another mount's data.
 */
export class StorageView implements Storage {
  /** Present when the storage below is transactional: the writes happen all or none, inside this view. */
  readonly transaction?: (ops: TxnOp[]) => Promise<void>;

  constructor(
    private readonly inner: Storage,
    readonly prefix: string,
  ) {
    if (isTransactional(inner)) {
      this.transaction = (ops) =>
        inner.transaction(
          ops.map((op): TxnOp => {
            if (op?.op === 'put') return { op: 'put', entry: { ...op.entry, key: this.expand(op.entry.key) } };
            if (op?.op === 'delete') return { op: 'delete', key: this.expand(op.key) };
            // Anything else is refused, whole, by the storage below.
            return op;
          }),
        );
    }
  }

  private expand(key: string): string {
    if (key.includes('..')) throw new Error(`invalid key "${key}": ".." is not allowed`);
    return this.prefix + key;
  }

  async get(key: string): Promise<StorageEntry | null> {
    const entry = await this.inner.get(this.expand(key));
    return entry ? { ...entry, key } : null;
  }

  put(entry: StorageEntry): Promise<void> {
    return this.inner.put({ ...entry, key: this.expand(entry.key) });
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(this.expand(key));
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(this.expand(prefix));
  }

  listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    return this.inner.listPage(this.expand(prefix), after, limit);
  }

  /** A view nested inside this one. */
  subView(prefix: string): StorageView {
    return new StorageView(this.inner, this.expand(prefix));
  }
}
