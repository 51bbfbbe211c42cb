import type { StorageEntry, TxnOp } from '@coffer/sdk';
import type { Barrier, KeyStatus } from './barrier.js';

/**
 * The barrier as the core's modules use it: every write or delete is
 * reported (by storage key) once it is done, so the caches keyed by storage
 * path hear about it (core/invalidation.ts). Writes that must not be
 * reported go to `unreported` (a mount's own data: a backend needs no news
 * of its own writes).
 */
export class ReportingBarrier implements Barrier {
  readonly transaction?: (ops: TxnOp[]) => Promise<void>;

  constructor(
    readonly unreported: Barrier,
    private readonly report: (keys: string[]) => void,
  ) {
    const txn = unreported.transaction;
    if (txn) {
      this.transaction = async (ops) => {
        await txn(ops);
        this.report(ops.map((op) => (op.op === 'put' ? op.entry.key : op.key)));
      };
    }
  }

  get sealed(): boolean {
    return this.unreported.sealed;
  }
  initialized(): Promise<boolean> {
    return this.unreported.initialized();
  }
  initialize(rootKey: Buffer): Promise<void> {
    return this.unreported.initialize(rootKey);
  }
  unseal(rootKey: Buffer): Promise<void> {
    return this.unreported.unseal(rootKey);
  }
  seal(): void {
    this.unreported.seal();
  }
  rotate(): Promise<number> {
    return this.unreported.rotate();
  }
  keyStatus(): KeyStatus {
    return this.unreported.keyStatus();
  }
  forgetCached(key: string): void {
    this.unreported.forgetCached(key);
  }
  reloadKeyring(): Promise<void> {
    return this.unreported.reloadKeyring();
  }
  rekeyRootKey(newRootKey: Buffer): Promise<void> {
    return this.unreported.rekeyRootKey(newRootKey);
  }
  generateKey(): Buffer {
    return this.unreported.generateKey();
  }
  encryptBlob(plaintext: Buffer, aad: string): Buffer {
    return this.unreported.encryptBlob(plaintext, aad);
  }
  decryptBlob(blob: Buffer, aad: string): Buffer {
    return this.unreported.decryptBlob(blob, aad);
  }
  get(key: string): Promise<StorageEntry | null> {
    return this.unreported.get(key);
  }
  list(prefix: string): Promise<string[]> {
    return this.unreported.list(prefix);
  }
  listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    return this.unreported.listPage(prefix, after, limit);
  }
  async put(entry: StorageEntry): Promise<void> {
    await this.unreported.put(entry);
    this.report([entry.key]);
  }
  async delete(key: string): Promise<void> {
    await this.unreported.delete(key);
    this.report([key]);
  }
}
