import type { PhysicalBackend } from '@coffer/server/physical/index.js';
import type { StorageEntry, TxnOp } from '@coffer/sdk';

/**
 * Bench setup only: batches the puts of many concurrent writers into one
 * SQLite transaction (one fsync) so that a million leases can be written in
 * minutes instead of hours. What is measured afterwards runs on the plain
 * server with its usual durable storage.
 */
export function groupCommit(inner: PhysicalBackend & { transaction(ops: TxnOp[]): Promise<void> }, maxBatch = 5000): PhysicalBackend {
  let pending: { op: TxnOp; done: (err?: unknown) => void }[] = [];
  let scheduled = false;
  const flush = async (): Promise<void> => {
    scheduled = false;
    const batch = pending;
    pending = [];
    try {
      await inner.transaction(batch.map((p) => p.op));
      for (const p of batch) p.done();
    } catch (err) {
      for (const p of batch) p.done(err);
    }
  };
  const put = (entry: StorageEntry): Promise<void> =>
    new Promise((resolve, reject) => {
      pending.push({ op: { op: 'put', entry }, done: (err) => (err ? reject(err) : resolve()) });
      if (pending.length >= maxBatch) void flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'put') return put;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
