import { randomFillSync } from 'node:crypto';
import { CofferError, KeyedMutex, isTransactional, silentLogger, type Logger, type Storage, type StorageEntry, type TxnOp } from '@coffer/sdk';
import type { Barrier, KeyStatus } from './barrier.js';
import * as aead from './aead.js';
import { checkOps } from '../physical/entry-check.js';
import { Keyring } from './keyring.js';
import { PlaintextCache } from './plaintext-cache.js';
import { silentMetrics, timed, type MetricsSink } from '../metrics/sink.js';
import { KEYRING_PATH, RESERVED_PHYSICAL_PATHS } from './paths.js';

export type { KeyStatus } from './barrier.js';

export interface AesGcmBarrierOptions {
  /** Physical paths, beside the keyring and the seal config, that the barrier must never touch. */
  reservedPaths?: readonly string[];
  /**
   * Rotate the keyring on its own after this many encryptions under one term.
   * The default (0.9 · 2^32) keeps random 96-bit GCM nonces inside NIST's
   * collision bound; Vault uses the same number.
   */
  autoRotateAfterEncryptions?: number;
  logger?: Logger;
  now?: () => Date;
  /** vault.barrier.get/put/delete/list timers. */
  metrics?: MetricsSink;
}

const DEFAULT_AUTO_ROTATE = 3_865_470_566;
const ROOT_KEY_TERM = 0;

export const sealedError = (): CofferError => new CofferError('sealed', 'Vault is sealed');

/**
 * The encrypted barrier: every value that passes through it is sealed with
 * AES-256-GCM under the keyring's active term, with the storage path bound as
 * additional authenticated data (a ciphertext copied to another path fails to
 * decrypt). The keyring is stored at `core/keyring`, encrypted with the root
 * key, which only ever lives in memory while unsealed.
 */
export class AesGcmBarrier implements Barrier {
  private keyring: Keyring | null = null;
  private rootKey: Buffer | null = null;
  private encryptions = 0;
  private autoRotating = false;
  /** Keyring writes (rotate, rekeyRootKey) run one at a time so neither overwrites the other's result. */
  private readonly keyringWrites = new KeyedMutex();
  private readonly reserved: ReadonlySet<string>;
  private readonly autoRotateAfter: number;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly metrics: MetricsSink;
  readonly transaction?: (ops: TxnOp[]) => Promise<void>;
  private readonly plaintexts = new PlaintextCache();

  constructor(
    private readonly physical: Storage,
    options: AesGcmBarrierOptions = {},
  ) {
    this.reserved = new Set([...RESERVED_PHYSICAL_PATHS, ...(options.reservedPaths ?? [])]);
    this.autoRotateAfter = options.autoRotateAfterEncryptions ?? DEFAULT_AUTO_ROTATE;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.metrics = options.metrics ?? silentMetrics;
    // Atomic only where the physical storage is: every put is encrypted first, then all go down as one transaction.
    if (isTransactional(physical)) {
      this.transaction = async (ops) => {
        this.unsealedKeyring();
        // Checked as a whole first: nothing is encrypted for a transaction that cannot apply.
        checkOps(ops);
        const sealedOps: TxnOp[] = ops.map((op) => {
          this.checkPath(op.op === 'put' ? op.entry.key : op.key);
          return op.op === 'put' ? { op: 'put', entry: { key: op.entry.key, value: this.encrypt(op.entry.value, 'storage', op.entry.key) } } : op;
        });
        for (const op of ops) this.plaintexts.forget(op.op === 'put' ? op.entry.key : op.key);
        try {
          await physical.transaction(sealedOps);
        } finally {
          for (const op of ops) this.plaintexts.forget(op.op === 'put' ? op.entry.key : op.key);
        }
      };
    }
  }

  /** Re-read the keyring from storage: another node sharing the storage rotated or rekeyed it. */
  async reloadKeyring(): Promise<void> {
    const rootKey = this.rootKey;
    if (!rootKey || !this.keyring) throw sealedError();
    const stored = await this.physical.get(KEYRING_PATH);
    if (!stored) throw new CofferError('internal', 'the barrier keyring is missing from storage');
    const plaintext = aead.decryptBlob(rootKey, stored.value, 'keyring', KEYRING_PATH);
    try {
      const keyring = Keyring.parse(plaintext);
      // Sealed while reading: keep nothing.
      if (!this.keyring) return keyring.wipe();
      const previous = this.keyring;
      this.keyring = keyring;
      previous.wipe();
      this.plaintexts.clear();
    } finally {
      plaintext.fill(0);
    }
  }

  get sealed(): boolean {
    return this.keyring === null;
  }

  async initialized(): Promise<boolean> {
    return (await this.physical.get(KEYRING_PATH)) !== null;
  }

  /** Create keyring term 1 and store it under `rootKey`. The barrier stays sealed. */
  async initialize(rootKey: Buffer): Promise<void> {
    checkRootKey(rootKey);
    if (await this.initialized()) throw new CofferError('invalid_request', 'Vault is already initialized');
    const firstKey = this.generateKey();
    const keyring = Keyring.create(firstKey, this.now());
    firstKey.fill(0);
    try {
      await this.writeKeyring(keyring, rootKey);
    } finally {
      keyring.wipe();
    }
  }

  async unseal(rootKey: Buffer): Promise<void> {
    checkRootKey(rootKey);
    if (!this.sealed) return;
    const stored = await this.physical.get(KEYRING_PATH);
    if (!stored) throw new CofferError('invalid_request', 'Vault is not initialized');
    let plaintext: Buffer;
    try {
      plaintext = aead.decryptBlob(rootKey, stored.value, 'keyring', KEYRING_PATH);
    } catch {
      throw new CofferError('invalid_request', 'Unseal failed, invalid key');
    }
    let keyring: Keyring;
    try {
      keyring = Keyring.parse(plaintext);
    } catch (err) {
      throw new CofferError('internal', 'the stored keyring is unreadable', { cause: err });
    } finally {
      plaintext.fill(0);
    }
    if (!this.sealed) {
      // another unseal won the race while we were reading storage
      keyring.wipe();
      return;
    }
    this.rootKey = copySecret(rootKey);
    this.keyring = keyring;
    this.encryptions = 0;
  }

  /** Forget every key. Safe to call when already sealed. */
  seal(): void {
    this.plaintexts.clear();
    this.keyring?.wipe();
    this.rootKey?.fill(0);
    this.keyring = null;
    this.rootKey = null;
    this.encryptions = 0;
  }

  /** Install a new term and make it the active one; old terms still decrypt. Returns the new term. */
  rotate(): Promise<number> {
    return this.serializeKeyringWrite(async () => {
      const current = this.unsealedKeyring();
      const rootKey = this.rootKey as Buffer;
      const newKey = this.generateKey();
      const next = current.withNewTerm(newKey, this.now());
      newKey.fill(0);
      await this.writeKeyring(next, rootKey);
      if (this.keyring !== current) {
        // sealed (or re-unsealed) while writing: the stored keyring is right, this copy is stale
        next.active().key.fill(0);
        throw sealedError();
      }
      this.keyring = next;
      this.encryptions = 0;
      this.logger.info({ term: next.activeTerm }, 'barrier keyring rotated');
      return next.activeTerm;
    });
  }

  keyStatus(): KeyStatus {
    const active = this.unsealedKeyring().active();
    return { term: active.term, install_time: active.installTime.toISOString(), encryptions: this.encryptions };
  }

  /** Re-encrypt the keyring under a new root key. The data itself is untouched. */
  async rekeyRootKey(newRootKey: Buffer): Promise<void> {
    checkRootKey(newRootKey);
    return this.serializeKeyringWrite(async () => {
      const current = this.unsealedKeyring();
      await this.writeKeyring(current, newRootKey);
      if (this.keyring !== current) throw sealedError();
      this.rootKey?.fill(0);
      this.rootKey = copySecret(newRootKey);
      this.logger.info({}, 'barrier root key changed');
    });
  }

  /** Encrypt a value that is never stored (Vault-style batch tokens). `aad` must be given again to decrypt. */
  encryptBlob(plaintext: Buffer, aad: string): Buffer {
    return this.encrypt(plaintext, 'blob', aad);
  }

  /** Throws CofferError invalid_request for anything that is not a blob this barrier made with this `aad`. */
  decryptBlob(blob: Buffer, aad: string): Buffer {
    const keyring = this.unsealedKeyring();
    try {
      const key = keyring.keyFor(aead.blobTerm(blob));
      if (!key) throw new aead.BlobError('unknown_term');
      return aead.decryptBlob(key, blob, 'blob', aad);
    } catch (err) {
      if (!(err instanceof aead.BlobError)) throw err;
      throw new CofferError('invalid_request', 'the encrypted value is malformed, was altered, or was not issued by this server');
    }
  }

  /** 32 random bytes from the CSPRNG, in a buffer of its own. */
  generateKey(): Buffer {
    return randomFillSync(Buffer.alloc(aead.KEY_LENGTH));
  }

  // ---- Storage -------------------------------------------------------------

  async get(key: string): Promise<StorageEntry | null> {
    const started = performance.now();
    try {
      return await this.read(key);
    } finally {
      this.metrics.measure('vault.barrier.get', performance.now() - started);
    }
  }

  private async read(key: string): Promise<StorageEntry | null> {
    this.unsealedKeyring();
    this.checkPath(key);
    const cached = this.plaintexts.get(key);
    if (cached) return { key, value: cached };
    const readStarted = this.plaintexts.readStarted();
    const entry = await this.physical.get(key);
    if (!entry) return null;
    // look the keyring up again: the barrier may have sealed while the physical read was pending
    const keyring = this.unsealedKeyring();
    let term: number;
    try {
      term = aead.blobTerm(entry.value);
    } catch (err) {
      throw decryptFailure(key, err);
    }
    const termKey = keyring.keyFor(term);
    if (!termKey) throw new CofferError('internal', `failed to decrypt the entry at "${key}": it names key term ${term}, which the keyring does not hold`);
    let value: Buffer;
    try {
      value = aead.decryptBlob(termKey, entry.value, 'storage', key);
    } catch (err) {
      throw decryptFailure(key, err);
    }
    // Sealed while decrypting: keep nothing.
    if (this.keyring) this.plaintexts.fill(key, value, readStarted);
    return { key, value };
  }

  /** An entry changed below the barrier (another node wrote it): forget its decrypted copy. */
  forgetCached(key: string): void {
    this.plaintexts.forget(key);
  }

  put(entry: StorageEntry): Promise<void> {
    return timed(this.metrics, 'vault.barrier.put', async () => {
      this.unsealedKeyring();
      this.checkPath(entry.key);
      const value = this.encrypt(entry.value, 'storage', entry.key);
      this.plaintexts.forget(entry.key);
      try {
        await this.physical.put({ key: entry.key, value });
      } finally {
        this.plaintexts.forget(entry.key);
      }
    });
  }

  delete(key: string): Promise<void> {
    return timed(this.metrics, 'vault.barrier.delete', async () => {
      this.unsealedKeyring();
      this.checkPath(key);
      this.plaintexts.forget(key);
      try {
        await this.physical.delete(key);
      } finally {
        this.plaintexts.forget(key);
      }
    });
  }

  list(prefix: string): Promise<string[]> {
    return timed(this.metrics, 'vault.barrier.list', async () => {
      this.unsealedKeyring();
      return this.withoutReserved(prefix, await this.physical.list(prefix));
    });
  }

  async listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    this.unsealedKeyring();
    // ask for a few extra so that hiding reserved paths never shortens a full page
    const fetched = await this.physical.listPage(prefix, after, limit > 0 ? limit + this.reserved.size : limit);
    const visible = this.withoutReserved(prefix, fetched);
    return limit > 0 ? visible.slice(0, limit) : visible;
  }

  // ---- internals -----------------------------------------------------------

  private encrypt(plaintext: Buffer, purpose: aead.BlobPurpose, context: string): Buffer {
    const active = this.unsealedKeyring().active();
    const blob = aead.encryptBlob(active.key, active.term, plaintext, purpose, context);
    this.encryptions++;
    if (this.encryptions >= this.autoRotateAfter && !this.autoRotating) this.autoRotate();
    return blob;
  }

  private autoRotate(): void {
    this.autoRotating = true;
    this.rotate()
      .catch((err: unknown) => this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'automatic keyring rotation failed'))
      .finally(() => {
        this.autoRotating = false;
      });
  }

  private unsealedKeyring(): Keyring {
    if (!this.keyring) throw sealedError();
    return this.keyring;
  }

  private checkPath(key: string): void {
    if (this.reserved.has(key)) throw new CofferError('invalid_request', `the storage path "${key}" is reserved for the barrier`);
  }

  private withoutReserved(prefix: string, children: string[]): string[] {
    return children.filter((child) => !this.reserved.has(prefix + child));
  }

  private async writeKeyring(keyring: Keyring, rootKey: Buffer): Promise<void> {
    const plaintext = keyring.serialize();
    try {
      const value = aead.encryptBlob(rootKey, ROOT_KEY_TERM, plaintext, 'keyring', KEYRING_PATH);
      await this.physical.put({ key: KEYRING_PATH, value });
    } finally {
      plaintext.fill(0);
    }
  }

  private serializeKeyringWrite<T>(work: () => Promise<T>): Promise<T> {
    return this.keyringWrites.run('keyring', work);
  }
}

function checkRootKey(rootKey: Buffer): void {
  if (!Buffer.isBuffer(rootKey) || rootKey.length !== aead.KEY_LENGTH) {
    throw new CofferError('invalid_request', `the root key must be ${aead.KEY_LENGTH} bytes`);
  }
}

function copySecret(secret: Buffer): Buffer {
  const out = Buffer.alloc(secret.length);
  secret.copy(out);
  return out;
}

function decryptFailure(key: string, cause: unknown): CofferError {
  // The message names the path (not secret) and never the bytes: an entry that fails here was corrupted,
  // tampered with, or copied from another path.
  return new CofferError('internal', `failed to decrypt the entry at "${key}": it is corrupted, was altered, or was moved from another path`, {
    cause: cause instanceof aead.BlobError ? cause : undefined,
  });
}
