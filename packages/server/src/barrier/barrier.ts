import type { Storage, TxnOp } from '@coffer/sdk';

export interface KeyStatus {
  term: number;
  /** RFC 3339, as Vault's sys/key-status. */
  install_time: string;
  /** Encryptions under the active term since this node unsealed (or since the term was installed). */
  encryptions: number;
}

/**
 * The encrypted barrier the core depends on: storage that is readable only
 * while unsealed, under a keyring sealed by the root key. AesGcmBarrier is
 * the implementation; the core, the seal manager and every module see only
 * this contract.
 */
export interface Barrier extends Storage {
  readonly sealed: boolean;
  initialized(): Promise<boolean>;
  initialize(rootKey: Buffer): Promise<void>;
  unseal(rootKey: Buffer): Promise<void>;
  seal(): void;
  /** Install a new key term; returns it. */
  rotate(): Promise<number>;
  keyStatus(): KeyStatus;
  /** An entry changed below the barrier (another node wrote it): forget any decrypted copy of it. */
  forgetCached(key: string): void;
  /** Re-read the keyring from storage (another node rotated it). */
  reloadKeyring(): Promise<void>;
  rekeyRootKey(newRootKey: Buffer): Promise<void>;
  /** A fresh random key of the barrier's key length (root keys at init and rekey). */
  generateKey(): Buffer;
  /** Encrypt a value kept outside storage (batch tokens), bound to `aad`. */
  encryptBlob(plaintext: Buffer, aad: string): Buffer;
  decryptBlob(blob: Buffer, aad: string): Buffer;
  /**
   * Atomic multi-entry write, present only when the physical storage is
   * transactional (inmem, sqlite): all of `ops` happen or none.
   */
  transaction?: (ops: TxnOp[]) => Promise<void>;
}
