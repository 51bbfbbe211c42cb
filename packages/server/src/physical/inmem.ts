import { InmemStorage, type StorageEntry, type TxnOp } from '@coffer/sdk';
import type { PhysicalBackend } from './types.js';
import { checkEntry, checkOps } from './entry-check.js';

/**
 * The dev server's storage: the SDK's InmemStorage plus the physical-backend
 * surface. Nothing survives close() or a restart.
 */
export class InmemBackend extends InmemStorage implements PhysicalBackend {
  readonly name = 'inmem';

  override async put(entry: StorageEntry): Promise<void> {
    checkEntry(entry);
    return super.put(entry);
  }

  /** Checks every operation before applying any, so a bad one cannot leave half a transaction behind. */
  override async transaction(ops: TxnOp[]): Promise<void> {
    checkOps(ops);
    return super.transaction(ops);
  }

  async close(): Promise<void> {}
}

export async function openInmem(): Promise<InmemBackend> {
  return new InmemBackend();
}
