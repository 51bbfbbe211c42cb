import { randomFillSync, randomUUID } from 'node:crypto';
import { CofferError, type Logger, type Storage } from '@coffer/sdk';
import { KeyShareCollector, splitUnsealKey, wipeAll } from './key-shares.js';
import { encryptShares, pgpFingerprints } from './pgp-shares.js';
import { recoverRootKey } from './recover-root-key.js';
import { writeRekeyBackup } from './rekey-backup.js';
import { fromShareView, readSealConfig, sealConfigProblem, wrapRootKey, writeSealConfig, type ShamirSealConfig as SealConfig } from './seal-config.js';
import type { RekeyInitRequest, RekeyResult, RekeyStatus, RekeyVerificationResult, RekeyVerificationStatus } from './types.js';

interface Attempt {
  nonce: string;
  shares: number;
  threshold: number;
  pgpKeys: string[];
  pgpFingerprints: string[] | null;
  backup: boolean;
  verificationRequired: boolean;
  collected: KeyShareCollector;
  /** Set once the current shares reached the threshold of a rekey that requires verification. */
  pending: PendingVerification | null;
}

/**
 * The new seal configuration waiting for verification. It holds the root
 * key wrapped under the new unseal key (never the new key itself): the new
 * shares are verified by unwrapping it.
 */
interface PendingVerification {
  nonce: string;
  config: SealConfig;
  collected: KeyShareCollector;
}

/**
 * A barrier rekey: a quorum of the current unseal key shares authorizes a new
 * unseal key, split into a new set of shares (optionally PGP-encrypted, and
 * backed up). The root key is re-wrapped under the new unseal key; the
 * keyring and data are untouched. With `require_verification` the new key
 * is installed only after a quorum of the new shares has been given back to
 * sys/rekey/verify, so a rekey whose new shares were lost changes nothing.
 * The caller (the seal manager) checks that Vault is initialized and
 * unsealed and runs one operation at a time.
 */
export class BarrierRekey {
  private attempt: Attempt | null = null;

  constructor(
    private readonly physical: Storage,
    private readonly barrier: Storage,
    private readonly logger: Logger,
  ) {}

  /** Stores rekeyed shares: the unseal shares of a Shamir seal, or the recovery shares of an auto seal. */
  private async install(view: SealConfig): Promise<void> {
    const stored = await readSealConfig(this.physical);
    if (!stored) throw new CofferError('internal', 'the seal configuration disappeared during the rekey');
    await writeSealConfig(this.physical, fromShareView(stored, view));
  }

  status(config: SealConfig): RekeyStatus {
    const a = this.attempt;
    const status: RekeyStatus = {
      nonce: a?.nonce ?? '',
      started: a !== null,
      t: a?.threshold ?? 0,
      n: a?.shares ?? 0,
      // while verification is pending the current shares are all in (Vault's CLI shows "verification in progress")
      progress: a?.pending ? config.secret_threshold : (a?.collected.count ?? 0),
      required: config.secret_threshold,
      pgp_fingerprints: a?.pgpFingerprints ?? null,
      backup: a?.backup ?? false,
      verification_required: a?.verificationRequired ?? false,
    };
    if (a?.pending) status.verification_nonce = a.pending.nonce;
    return status;
  }

  async init(config: SealConfig, request: RekeyInitRequest): Promise<RekeyStatus> {
    const pgpKeys = request.pgp_keys ?? [];
    if (request.backup && pgpKeys.length === 0) {
      throw new CofferError('invalid_request', 'cannot request a backup of the new keys without providing PGP keys for encryption');
    }
    if (request.secret_threshold > request.secret_shares) {
      throw new CofferError('invalid_request', 'provided threshold greater than the total shares');
    }
    const problem = sealConfigProblem(request.secret_shares, request.secret_threshold);
    if (problem) throw new CofferError('invalid_request', `invalid rekey seal configuration: ${problem}`);
    if (pgpKeys.length > 0 && pgpKeys.length !== request.secret_shares) {
      throw new CofferError('invalid_request', `incorrect number of PGP keys for rekey: ${pgpKeys.length} given for ${request.secret_shares} shares`);
    }
    if (this.attempt) throw new CofferError('invalid_request', 'rekey already in progress');
    const fingerprints = pgpKeys.length > 0 ? await pgpFingerprints(pgpKeys) : null;

    this.attempt = {
      nonce: randomUUID(),
      shares: request.secret_shares,
      threshold: request.secret_threshold,
      pgpKeys,
      pgpFingerprints: fingerprints,
      backup: request.backup === true,
      verificationRequired: request.require_verification === true,
      collected: new KeyShareCollector(),
      pending: null,
    };
    this.logger.info(
      { nonce: this.attempt.nonce, shares: request.secret_shares, threshold: request.secret_threshold, pgp: fingerprints !== null, backup: this.attempt.backup, verification: this.attempt.verificationRequired },
      'rekey initialized',
    );
    return this.status(config);
  }

  /** Add one current share; at the threshold, make the new unseal key and return its shares. */
  async update(config: SealConfig, share: Buffer, nonce: string): Promise<RekeyStatus | RekeyResult> {
    const a = this.attempt;
    if (!a) throw new CofferError('invalid_request', 'no barrier rekey in progress');
    if (nonce !== a.nonce) throw new CofferError('invalid_request', `incorrect nonce supplied; nonce for this rekey operation is "${a.nonce}"`);
    if (a.pending) {
      throw new CofferError('invalid_request', `the new keys of this rekey have been created and are waiting for verification: submit them to sys/rekey/verify with nonce "${a.pending.nonce}"`);
    }
    if (!a.collected.add(share)) {
      throw new CofferError('invalid_request', 'given key has already been provided during this rekey operation');
    }
    if (a.collected.count < config.secret_threshold) return this.status(config);

    const rootKey = await recoverRootKey(a.collected.take(), config);
    if (!rootKey) {
      this.logger.warn({ nonce: a.nonce }, 'rekey: the submitted shares did not combine to the unseal key; progress reset');
      throw new CofferError('invalid_request', 'rekey failed: the key shares given do not combine to this Vault\'s unseal key; progress has been reset, start again with the same nonce');
    }

    const newUnsealKey = Buffer.alloc(32);
    let shares: Buffer[] = [];
    try {
      randomFillSync(newUnsealKey);
      shares = await splitUnsealKey(newUnsealKey, a.shares, a.threshold);
      const newConfig: SealConfig = { ...config, secret_shares: a.shares, secret_threshold: a.threshold, wrapped_root_key: wrapRootKey(newUnsealKey, rootKey) };
      const encrypted = a.pgpKeys.length > 0 ? await encryptShares(shares, a.pgpKeys) : null;
      const handedOut = encrypted ? encrypted.map((e) => e.ciphertext) : shares;
      if (encrypted && a.backup) await writeRekeyBackup(this.barrier, a.nonce, encrypted);

      const result: RekeyResult = {
        nonce: a.nonce,
        complete: true,
        keys: handedOut.map((s) => s.toString('hex')),
        keys_base64: handedOut.map((s) => s.toString('base64')),
        pgp_fingerprints: a.pgpFingerprints,
        backup: a.backup,
        verification_required: a.verificationRequired,
      };
      if (a.verificationRequired) {
        a.pending = { nonce: randomUUID(), config: newConfig, collected: new KeyShareCollector() };
        result.verification_nonce = a.pending.nonce;
        this.logger.info({ nonce: a.nonce }, 'rekey: new keys created; they become active once verified');
        return result;
      }
      await this.install(newConfig);
      this.attempt = null;
      this.logger.info({ nonce: a.nonce, shares: a.shares, threshold: a.threshold }, 'rekey complete: new unseal key installed');
      return result;
    } finally {
      rootKey.fill(0);
      newUnsealKey.fill(0);
      wipeAll(shares);
    }
  }

  /** sys/rekey/verify (GET). */
  verificationStatus(): RekeyVerificationStatus {
    const a = this.needAttempt();
    return {
      nonce: a.pending?.nonce ?? '',
      started: a.pending !== null,
      t: a.threshold,
      n: a.shares,
      progress: a.pending?.collected.count ?? 0,
    };
  }

  /** sys/rekey/verify (PUT): one new share; at the new threshold, the new key is installed. */
  async verify(share: Buffer, nonce: string): Promise<RekeyVerificationStatus | RekeyVerificationResult> {
    const a = this.needAttempt();
    const pending = a.pending;
    if (!pending) throw new CofferError('invalid_request', 'no rekey verification in progress: the new keys have not been created yet (or verification was not required)');
    if (nonce !== pending.nonce) {
      throw new CofferError('invalid_request', `incorrect nonce supplied; nonce for this verify operation is "${pending.nonce}"`);
    }
    if (!pending.collected.add(share)) {
      throw new CofferError('invalid_request', 'given key has already been provided during this verify operation');
    }
    if (pending.collected.count < pending.config.secret_threshold) return this.verificationStatus();

    const rootKey = await recoverRootKey(pending.collected.take(), pending.config);
    if (!rootKey) {
      this.logger.warn({ nonce: a.nonce }, 'rekey verification: the new shares given did not combine to the new key; verification progress reset');
      throw new CofferError('invalid_request', 'rekey verification failed: the key shares given do not combine to the new unseal key; verification progress has been reset');
    }
    rootKey.fill(0);
    await this.install(pending.config);
    this.attempt = null;
    this.logger.info({ nonce: a.nonce, shares: a.shares, threshold: a.threshold }, 'rekey verified: new unseal key installed');
    return { nonce: pending.nonce, complete: true };
  }

  /** sys/rekey/verify (DELETE): start the verification again with a new nonce; the rekey itself goes on. */
  restartVerification(): RekeyVerificationStatus {
    const a = this.needAttempt();
    if (a.pending) {
      a.pending.collected.reset();
      a.pending.nonce = randomUUID();
    }
    return this.verificationStatus();
  }

  cancel(): void {
    this.attempt?.collected.reset();
    this.attempt?.pending?.collected.reset();
    this.attempt = null;
  }

  private needAttempt(): Attempt {
    if (!this.attempt) throw new CofferError('invalid_request', 'no rekey configuration found');
    return this.attempt;
  }
}
