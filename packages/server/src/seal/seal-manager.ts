import { randomUUID } from 'node:crypto';
import { CofferError, type Logger, type Storage } from '@coffer/sdk';
import type { Barrier, KeyStatus } from '../barrier/barrier.js';
import { KEYRING_PATH } from '../barrier/paths.js';
import { loadClusterInfo, type ClusterInfo } from './cluster-info.js';
import { RootGeneration } from './generate-root.js';
import { checkKeyShareLength, decodeKeyShare, KeyShareCollector, splitUnsealKey, wipeAll } from './key-shares.js';
import { notInitialized, recoverRootKey } from './recover-root-key.js';
import { encryptForKeys, encryptShares, pgpFingerprints } from './pgp-shares.js';
import { BarrierRekey } from './rekey.js';
import { deleteRekeyBackup, readRekeyBackup } from './rekey-backup.js';
import { ROOT_TOKEN_OTP_LENGTH } from './root-token-otp.js';
import { readSealConfig, sealConfigProblem, wrapRootKey, writeSealConfig, type SealConfig } from './seal-config.js';
import { Serial } from './serial.js';
import type {
  GenerateRootInitRequest,
  GenerateRootStatus,
  InitRequest,
  InitResponse,
  KeyUpdateRequest,
  RekeyInitRequest,
  RekeyResult,
  RekeyStatus,
  RekeyVerificationResult,
  RekeyVerificationStatus,
  SealStatus,
  UnsealRequest,
} from './types.js';

/**
 * What the core does around the seal. The hooks must not call back into the
 * seal manager (its operations run one at a time, so that would deadlock).
 */
export interface SealHooks {
  /** Barrier just unsealed: load mounts, policies, tokens, leases… Throwing seals the barrier again. */
  onUnsealed(): Promise<void>;
  /** About to seal: stop backends, flush. Errors are logged; sealing goes ahead. */
  onSealing(): Promise<void>;
  /** Create a root token (after onUnsealed). Used by init and generate-root. */
  createRootToken(): Promise<string>;
  /** Revoke a root token that could not be handed out (optional). */
  revokeRootToken?(token: string): Promise<void>;
}

export interface SealManagerOptions {
  /** Raw physical storage (the seal config is stored unencrypted). */
  physical: Storage;
  barrier: Barrier;
  logger: Logger;
  hooks: SealHooks;
  /** Reported as `version` by seal-status and health. */
  version?: string;
  build_date?: string;
  /** The `storage` stanza's type, reported as `storage_type`. */
  storageType?: string;
  /** The config's `cluster_name`; generated when absent. */
  clusterName?: string;
  /** Length of root tokens, which generate-root OTPs must match (Vault: "hvs." + 24 = 28). */
  rootTokenLength?: number;
}

export interface SealManager {
  readonly sealed: boolean;
  /** The OTP length generate-root expects. */
  readonly otpLength: number;
  initialized(): Promise<boolean>;
  status(): Promise<SealStatus>;
  /** Cluster name and id; null while sealed. */
  clusterInfo(): ClusterInfo | null;
  /** Version fields shared with sys/health. */
  readonly version: string;
  init(request: InitRequest): Promise<InitResponse>;
  submitUnsealKey(request: UnsealRequest): Promise<SealStatus>;
  seal(): Promise<void>;
  rekeyStatus(): Promise<RekeyStatus>;
  rekeyInit(request: RekeyInitRequest): Promise<RekeyStatus>;
  rekeyUpdate(request: KeyUpdateRequest): Promise<RekeyStatus | RekeyResult>;
  rekeyCancel(): Promise<void>;
  rekeyVerificationStatus(): Promise<RekeyVerificationStatus>;
  rekeyVerify(request: KeyUpdateRequest): Promise<RekeyVerificationStatus | RekeyVerificationResult>;
  rekeyVerificationRestart(): Promise<RekeyVerificationStatus>;
  /** sys/rekey/backup: the PGP-encrypted shares a rekey with `backup` stored (400 when none). */
  rekeyBackup(): Promise<Record<string, unknown>>;
  deleteRekeyBackup(): Promise<void>;
  generateRootStatus(): Promise<GenerateRootStatus>;
  generateRootInit(request: GenerateRootInitRequest): Promise<GenerateRootStatus>;
  generateRootUpdate(request: KeyUpdateRequest): Promise<GenerateRootStatus>;
  generateRootCancel(): Promise<void>;
  /** sys/rotate: new barrier key term. */
  rotate(): Promise<number>;
  /** sys/key-status. */
  keyStatus(): KeyStatus;
}

export function createSealManager(options: SealManagerOptions): SealManager {
  return new ShamirSealManager(options);
}

const ROOT_KEY_BYTES = 32;

class ShamirSealManager implements SealManager {
  private readonly serial = new Serial();
  private readonly unsealShares = new KeyShareCollector();
  private unsealNonce = '';
  private cluster: ClusterInfo | null = null;
  /** The core finished setting up after the barrier opened (every mount loaded): only then is the server reported unsealed. */
  private coreReady = false;
  private readonly rekey: BarrierRekey;
  private readonly rootGeneration: RootGeneration;
  private readonly physical: Storage;
  private readonly barrier: Barrier;
  private readonly logger: Logger;
  private readonly hooks: SealHooks;
  readonly version: string;
  private readonly buildDate: string;

  constructor(private readonly options: SealManagerOptions) {
    this.physical = options.physical;
    this.barrier = options.barrier;
    this.logger = options.logger.child({ subsystem: 'seal' });
    this.hooks = options.hooks;
    this.version = options.version ?? '0.1.0';
    this.buildDate = options.build_date ?? '';
    this.rekey = new BarrierRekey(this.physical, this.barrier, this.logger);
    this.rootGeneration = new RootGeneration(this.hooks, this.logger, options.rootTokenLength ?? ROOT_TOKEN_OTP_LENGTH);
  }

  get sealed(): boolean {
    return this.barrier.sealed || !this.coreReady;
  }

  get otpLength(): number {
    return this.rootGeneration.otpLength;
  }

  async initialized(): Promise<boolean> {
    return (await readSealConfig(this.physical)) !== null;
  }

  clusterInfo(): ClusterInfo | null {
    return this.sealed ? null : this.cluster;
  }

  async status(): Promise<SealStatus> {
    const config = await readSealConfig(this.physical);
    const sealed = this.sealed;
    const cluster = this.clusterInfo();
    const status: SealStatus = {
      type: 'shamir',
      initialized: config !== null,
      sealed,
      t: config?.secret_threshold ?? 0,
      n: config?.secret_shares ?? 0,
      progress: sealed ? this.unsealShares.count : 0,
      nonce: sealed ? this.unsealNonce : '',
      version: this.version,
      build_date: this.buildDate,
      migration: false,
      recovery_seal: false,
    };
    if (cluster) {
      status.cluster_name = cluster.name;
      status.cluster_id = cluster.id;
    }
    if (this.options.storageType) status.storage_type = this.options.storageType;
    return status;
  }

  init(request: InitRequest): Promise<InitResponse> {
    return this.serial.run(async () => {
      const problem = sealConfigProblem(request.secret_shares, request.secret_threshold);
      if (problem) throw new CofferError('invalid_request', `invalid seal configuration: ${problem}`);
      const pgpKeys = request.pgp_keys ?? [];
      if (pgpKeys.length > 0 && pgpKeys.length !== request.secret_shares) {
        throw new CofferError('invalid_request', `incorrect number of PGP keys: ${pgpKeys.length} given for ${request.secret_shares} shares`);
      }
      // Every key is checked before anything is written: a bad key must not leave a half-initialized server.
      if (pgpKeys.length > 0) await pgpFingerprints(pgpKeys);
      if (request.root_token_pgp_key) await pgpFingerprints([request.root_token_pgp_key]);
      if (request.recovery_shares || request.recovery_threshold || (request.recovery_pgp_keys?.length ?? 0) > 0) {
        throw new CofferError('invalid_request', 'parameters recovery_shares,recovery_threshold,recovery_pgp_keys not applicable to seal type shamir');
      }
      if (await this.initialized()) throw new CofferError('invalid_request', 'Vault is already initialized');
      if (await this.barrier.initialized()) {
        throw new CofferError('invalid_request', 'storage already holds a barrier keyring but no seal configuration; refusing to initialize over existing data');
      }

      const rootKey = this.barrier.generateKey();
      const unsealKey = this.barrier.generateKey();
      let shares: Buffer[] = [];
      try {
        shares = await splitUnsealKey(unsealKey, request.secret_shares, request.secret_threshold);
        await this.barrier.initialize(rootKey);
        // written last: the seal config is what marks Vault as initialized
        try {
          await writeSealConfig(this.physical, {
            type: 'shamir',
            secret_shares: request.secret_shares,
            secret_threshold: request.secret_threshold,
            stored_shares: 1,
            wrapped_root_key: wrapRootKey(unsealKey, rootKey),
          });
        } catch (err) {
          // remove the keyring made a moment ago, or a retry would refuse to initialize over it
          await this.physical.delete(KEYRING_PATH).catch(() => undefined);
          throw err;
        }
        this.logger.info({ shares: request.secret_shares, threshold: request.secret_threshold }, 'vault initialized');

        // As Vault: unseal once to set the core up and mint the root token, then seal again.
        await this.unsealWith(rootKey);
        let rootToken: string;
        try {
          rootToken = await this.hooks.createRootToken();
        } finally {
          await this.sealNow();
        }
        const handedOut = pgpKeys.length > 0 ? (await encryptShares(shares, pgpKeys)).map((e) => e.ciphertext) : shares;
        if (request.root_token_pgp_key) {
          rootToken = (await encryptForKeys([rootToken], [request.root_token_pgp_key]))[0]!.ciphertext.toString('base64');
        }
        return {
          keys: handedOut.map((s) => s.toString('hex')),
          keys_base64: handedOut.map((s) => s.toString('base64')),
          root_token: rootToken,
        };
      } finally {
        rootKey.fill(0);
        unsealKey.fill(0);
        wipeAll(shares);
      }
    });
  }

  submitUnsealKey(request: UnsealRequest): Promise<SealStatus> {
    return this.serial.run(async () => {
      if (request.migrate) {
        throw new CofferError('invalid_request', "'migrate' parameter set true in JSON body when not in seal migration mode");
      }
      if (request.reset) {
        if (!this.barrier.sealed) throw new CofferError('invalid_request', 'vault is unsealed');
        this.resetUnsealProgress();
        return this.status();
      }
      if (!request.key) {
        throw new CofferError('invalid_request', "'key' must be specified in request body as JSON, or 'reset' set to true");
      }
      const share = decodeKeyShare(request.key);
      try {
        const config = await readSealConfig(this.physical);
        if (!config) throw notInitialized();
        if (!this.barrier.sealed) return this.status();
        checkKeyShareLength(share);

        if (!this.unsealShares.add(share)) {
          throw new CofferError('invalid_request', 'given key has already been provided during this unseal operation');
        }
        if (this.unsealShares.count === 1) this.unsealNonce = randomUUID();
        if (this.unsealShares.count < config.secret_threshold) return this.status();

        this.unsealNonce = '';
        const rootKey = await recoverRootKey(this.unsealShares.take(), config);
        if (!rootKey) {
          this.logger.warn({}, 'unseal failed: the submitted shares did not combine to the unseal key; progress reset');
          throw new CofferError('invalid_request', 'Unseal failed, invalid key: the key shares given do not combine to this Vault\'s unseal key; progress has been reset');
        }
        try {
          await this.unsealWith(rootKey);
        } finally {
          rootKey.fill(0);
        }
        this.logger.info({}, 'vault unsealed');
        return this.status();
      } finally {
        // on a failed combination take() has already emptied the progress, as Vault resets it
        share.fill(0);
      }
    });
  }

  seal(): Promise<void> {
    return this.serial.run(() => this.sealNow());
  }

  rekeyStatus(): Promise<RekeyStatus> {
    return this.whileUnsealed(async (config) => this.rekey.status(config));
  }

  rekeyInit(request: RekeyInitRequest): Promise<RekeyStatus> {
    return this.serial.run(() => this.whileUnsealed((config) => this.rekey.init(config, request)));
  }

  rekeyUpdate(request: KeyUpdateRequest): Promise<RekeyStatus | RekeyResult> {
    return this.serial.run(() =>
      this.whileUnsealed(async (config) => {
        const share = this.shareFrom(request.key);
        try {
          return await this.rekey.update(config, share, request.nonce);
        } finally {
          share.fill(0);
        }
      }),
    );
  }

  rekeyCancel(): Promise<void> {
    return this.serial.run(() => this.whileUnsealed(async () => this.rekey.cancel()));
  }

  rekeyVerificationStatus(): Promise<RekeyVerificationStatus> {
    return this.whileUnsealed(async () => this.rekey.verificationStatus());
  }

  rekeyVerify(request: KeyUpdateRequest): Promise<RekeyVerificationStatus | RekeyVerificationResult> {
    return this.serial.run(() =>
      this.whileUnsealed(async () => {
        const share = this.shareFrom(request.key);
        try {
          return await this.rekey.verify(share, request.nonce);
        } finally {
          share.fill(0);
        }
      }),
    );
  }

  rekeyVerificationRestart(): Promise<RekeyVerificationStatus> {
    return this.serial.run(() => this.whileUnsealed(async () => this.rekey.restartVerification()));
  }

  rekeyBackup(): Promise<Record<string, unknown>> {
    return this.whileUnsealed(async () => readRekeyBackup(this.barrier));
  }

  deleteRekeyBackup(): Promise<void> {
    return this.whileUnsealed(async () => deleteRekeyBackup(this.barrier));
  }

  generateRootStatus(): Promise<GenerateRootStatus> {
    return this.whileUnsealed(async (config) => this.rootGeneration.status(config));
  }

  generateRootInit(request: GenerateRootInitRequest): Promise<GenerateRootStatus> {
    return this.serial.run(() => this.whileUnsealed((config) => this.rootGeneration.init(config, request)));
  }

  generateRootUpdate(request: KeyUpdateRequest): Promise<GenerateRootStatus> {
    return this.serial.run(() =>
      this.whileUnsealed(async (config) => {
        const share = this.shareFrom(request.key);
        try {
          return await this.rootGeneration.update(config, share, request.nonce);
        } finally {
          share.fill(0);
        }
      }),
    );
  }

  generateRootCancel(): Promise<void> {
    return this.serial.run(() => this.whileUnsealed(async () => this.rootGeneration.cancel()));
  }

  rotate(): Promise<number> {
    return this.barrier.rotate();
  }

  keyStatus(): KeyStatus {
    return this.barrier.keyStatus();
  }

  // ---- internals -----------------------------------------------------------

  /** Unseal the barrier and bring the core up; on any failure the barrier is sealed again. */
  private async unsealWith(rootKey: Buffer): Promise<void> {
    if (rootKey.length !== ROOT_KEY_BYTES) throw new CofferError('internal', 'the unwrapped root key has the wrong length');
    try {
      await this.barrier.unseal(rootKey);
    } catch (err) {
      if (err instanceof CofferError && err.code === 'invalid_request' && /not initialized/.test(err.message)) {
        throw new CofferError('internal', 'the seal configuration exists but the barrier keyring is missing from storage');
      }
      throw err;
    }
    try {
      this.cluster = await loadClusterInfo(this.barrier, this.options.clusterName);
      await this.hooks.onUnsealed();
      this.coreReady = true;
    } catch (err) {
      this.logger.error({ err: errorText(err) }, 'post-unseal setup failed; sealing again');
      await this.sealNow();
      throw new CofferError('internal', 'unseal failed: the server could not finish setting up after unsealing; see the server log', { cause: err });
    }
    this.resetUnsealProgress();
  }

  private async sealNow(): Promise<void> {
    this.resetUnsealProgress();
    this.coreReady = false;
    if (this.barrier.sealed) return;
    try {
      await this.hooks.onSealing();
    } catch (err) {
      this.logger.error({ err: errorText(err) }, 'error while preparing to seal; sealing anyway');
    }
    this.rekey.cancel();
    this.rootGeneration.cancel();
    this.barrier.seal();
    this.cluster = null;
    this.logger.info({}, 'vault sealed');
  }

  private resetUnsealProgress(): void {
    this.unsealShares.reset();
    this.unsealNonce = '';
  }

  /** Rekey and generate-root need an initialized, unsealed Vault (Vault answers 400 and 503). */
  private async whileUnsealed<T>(work: (config: SealConfig) => Promise<T>): Promise<T> {
    const config = await readSealConfig(this.physical);
    if (!config) throw new CofferError('invalid_request', 'server is not yet initialized');
    if (this.barrier.sealed) throw new CofferError('sealed', 'Vault is sealed');
    return work(config);
  }

  private shareFrom(key: string | undefined): Buffer {
    if (!key) throw new CofferError('invalid_request', "'key' must be specified in request body as JSON");
    const share = decodeKeyShare(key);
    try {
      checkKeyShareLength(share);
    } catch (err) {
      share.fill(0);
      throw err;
    }
    return share;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
