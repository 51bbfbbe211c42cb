import { CofferError, type StorageEntry, type TxnOp } from '@coffer/sdk';

/**
 * Shared input checks for every physical backend, so that a bad entry fails
 * the same way everywhere and a transaction can be checked as a whole before
 * any of it is applied.
 */
export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new CofferError('invalid_request', 'storage key must be a non-empty string');
  }
}

export function checkEntry(entry: StorageEntry): void {
  checkKey(entry?.key);
  if (!(entry.value instanceof Uint8Array)) {
    throw new CofferError('invalid_request', `storage value for "${entry.key}" must be a Buffer`);
  }
}

export function checkOps(ops: TxnOp[]): void {
  if (!Array.isArray(ops)) throw new CofferError('invalid_request', 'transaction operations must be an array');
  for (const op of ops) {
    if (op?.op === 'put') checkEntry(op.entry);
    else if (op?.op === 'delete') {
      // Deleting '' is a harmless no-op, as for delete() itself.
      if (typeof op.key !== 'string') throw new CofferError('invalid_request', 'storage key must be a string');
    }
    else throw new CofferError('invalid_request', `unknown transaction operation ${JSON.stringify((op as { op?: unknown })?.op)}`);
  }
}

/** A Buffer view of the value without copying (better-sqlite3 binds Buffers only). */
export function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
