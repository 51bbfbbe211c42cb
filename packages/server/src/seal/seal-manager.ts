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
import { isAutoSealConfig, readSealConfig, sealConfigProblem, shareView, wrapRootKey, writeSealConfig, type SealConfig, type ShamirSealConfig } from './seal-config.js';
import type { AutoSeal, SealSetup } from './auto-seal.js';
import { initAutoSeal, migrateToAutoSeal, migrateToShamir, type SealMigration } from './auto-seal-steps.js';
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
  /** The configured seal stanzas: an auto seal, or a seal migration (default: Shamir). */
  seal?: SealSetup;
}

/** sys/rekey rekeys the unseal shares of a Shamir seal; sys/rekey-recovery-key the recovery shares of an auto seal. */
export type RekeyTarget = 'barrier' | 'recovery';

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
  /**
   * With an auto seal: decrypt the root key through the seal and unseal.
   * False when there is nothing to do (not initialized, Shamir, a migration
   * pending, already unsealed); throws when the seal cannot be reached.
   */
  autoUnseal(): Promise<boolean>;
  seal(): Promise<void>;
  rekeyStatus(target?: RekeyTarget): Promise<RekeyStatus>;
  rekeyInit(request: RekeyInitRequest, target?: RekeyTarget): Promise<RekeyStatus>;
  rekeyUpdate(request: KeyUpdateRequest, target?: RekeyTarget): Promise<RekeyStatus | RekeyResult>;
  rekeyCancel(target?: RekeyTarget): Promise<void>;
  rekeyVerificationStatus(target?: RekeyTarget): Promise<RekeyVerificationStatus>;
  rekeyVerify(request: KeyUpdateRequest, target?: RekeyTarget): Promise<RekeyVerificationStatus | RekeyVerificationResult>;
  rekeyVerificationRestart(target?: RekeyTarget): Promise<RekeyVerificationStatus>;
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
  private readonly setup: SealSetup;
  readonly version: string;
  private readonly buildDate: string;

  constructor(private readonly options: SealManagerOptions) {
    this.physical = options.physical;
    this.barrier = options.barrier;
    this.logger = options.logger.child({ subsystem: 'seal' });
    this.hooks = options.hooks;
    this.setup = options.seal ?? {};
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
    const view = config ? shareView(config) : null;
    const autoType = this.setup.autoSeal?.type ?? (config && isAutoSealConfig(config) ? config.type : undefined);
    const status: SealStatus = {
      type: autoType ?? 'shamir',
      initialized: config !== null,
      sealed,
      t: view?.secret_threshold ?? 0,
      n: view?.secret_shares ?? 0,
      progress: sealed ? this.unsealShares.count : 0,
      nonce: sealed ? this.unsealNonce : '',
      version: this.version,
      build_date: this.buildDate,
      migration: sealed && config !== null && this.migrationFor(config) !== null,
      recovery_seal: autoType !== undefined,
    };
    if (autoType !== undefined) status.recovery_seal_type = 'shamir';
    if (cluster) {
      status.cluster_name = cluster.name;
      status.cluster_id = cluster.id;
    }
    if (this.options.storageType) status.storage_type = this.options.storageType;
    return status;
  }

  init(request: InitRequest): Promise<InitResponse> {
    const autoSeal = this.setup.autoSeal;
    if (autoSeal) return this.serial.run(() => this.initAuto(autoSeal, request));
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
      const stored = await readSealConfig(this.physical);
      const migration = stored && this.barrier.sealed ? this.migrationFor(stored) : null;
      if (request.migrate && !migration) {
        throw new CofferError('invalid_request', "'migrate' parameter set true in JSON body when not in seal migration mode");
      }
      if (migration && !request.migrate && !request.reset) {
        throw new CofferError('invalid_request', 'a seal migration is pending: submit the keys with migrate=true (coffer operator unseal -migrate)');
      }
      if (!migration && stored && isAutoSealConfig(stored) && !request.reset && this.barrier.sealed) {
        throw new CofferError('invalid_request', `this server is sealed by its ${stored.type} seal and unseals itself when the seal answers; recovery keys cannot unseal it (check the server log for why the seal is unreachable)`);
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
        const stored = await readSealConfig(this.physical);
        if (!stored) throw notInitialized();
        if (!this.barrier.sealed) return this.status();
        const config = shareView(stored);
        checkKeyShareLength(share);

        if (!this.unsealShares.add(share)) {
          throw new CofferError('invalid_request', 'given key has already been provided during this unseal operation');
        }
        if (this.unsealShares.count === 1) this.unsealNonce = randomUUID();
        if (this.unsealShares.count < config.secret_threshold) return this.status();

        this.unsealNonce = '';
        if (migration) return await this.migrate(migration, stored);
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

  autoUnseal(): Promise<boolean> {
    return this.serial.run(async () => {
      const autoSeal = this.setup.autoSeal;
      const config = await readSealConfig(this.physical);
      if (!autoSeal || !config || !isAutoSealConfig(config) || !this.barrier.sealed) return false;
      if (config.type !== autoSeal.type) {
        throw new CofferError('invalid_request', `the stored seal is "${config.type}" but the configuration's seal is "${autoSeal.type}": migrate with the old stanza marked disabled = "true"`);
      }
      const rootKey = await autoSeal.decrypt(config.sealed_root_key);
      try {
        await this.unsealWith(rootKey);
      } finally {
        rootKey.fill(0);
      }
      this.logger.info({ seal: autoSeal.type }, 'vault unsealed by its auto seal');
      return true;
    });
  }

  seal(): Promise<void> {
    return this.serial.run(() => this.sealNow());
  }

  rekeyStatus(target: RekeyTarget = 'barrier'): Promise<RekeyStatus> {
    return this.whileUnsealed(async (config) => this.rekey.status(config), target);
  }

  rekeyInit(request: RekeyInitRequest, target: RekeyTarget = 'barrier'): Promise<RekeyStatus> {
    return this.serial.run(() => this.whileUnsealed((config) => this.rekey.init(config, request), target));
  }

  rekeyUpdate(request: KeyUpdateRequest, target: RekeyTarget = 'barrier'): Promise<RekeyStatus | RekeyResult> {
    return this.serial.run(() =>
      this.whileUnsealed(async (config) => {
        const share = this.shareFrom(request.key);
        try {
          return await this.rekey.update(config, share, request.nonce);
        } finally {
          share.fill(0);
        }
      }, target),
    );
  }

  rekeyCancel(target: RekeyTarget = 'barrier'): Promise<void> {
    return this.serial.run(() => this.whileUnsealed(async () => this.rekey.cancel(), target));
  }

  rekeyVerificationStatus(target: RekeyTarget = 'barrier'): Promise<RekeyVerificationStatus> {
    return this.whileUnsealed(async () => this.rekey.verificationStatus(), target);
  }

  rekeyVerify(request: KeyUpdateRequest, target: RekeyTarget = 'barrier'): Promise<RekeyVerificationStatus | RekeyVerificationResult> {
    return this.serial.run(() =>
      this.whileUnsealed(async () => {
        const share = this.shareFrom(request.key);
        try {
          return await this.rekey.verify(share, request.nonce);
        } finally {
          share.fill(0);
        }
      }, target),
    );
  }

  rekeyVerificationRestart(target: RekeyTarget = 'barrier'): Promise<RekeyVerificationStatus> {
    return this.serial.run(() => this.whileUnsealed(async () => this.rekey.restartVerification(), target));
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

  /**
   * Rekey and generate-root need an initialized, unsealed Vault (Vault
   * answers 400 and 503). They work on the shares the seal answers to: the
   * unseal shares of a Shamir seal, the recovery shares of an auto seal.
   * A rekey names its target: sys/rekey for unseal shares,
   * sys/rekey-recovery-key for recovery shares.
   */
  private async whileUnsealed<T>(work: (config: ShamirSealConfig) => Promise<T>, target?: RekeyTarget): Promise<T> {
    const config = await readSealConfig(this.physical);
    if (!config) throw new CofferError('invalid_request', 'server is not yet initialized');
    if (this.barrier.sealed) throw new CofferError('sealed', 'Vault is sealed');
    const auto = isAutoSealConfig(config);
    if (target === 'barrier' && auto) {
      throw new CofferError('invalid_request', `this server has a ${config.type} seal: its root key is protected by the seal, so there are no unseal keys to rekey; rekey the recovery keys with sys/rekey-recovery-key (coffer operator rekey -target=recovery)`);
    }
    if (target === 'recovery' && !auto) {
      throw new CofferError('invalid_request', 'recovery rekeying is only for auto-unseal seals; this server has a Shamir seal: use sys/rekey');
    }
    return work(shareView(config));
  }

  /** Which seal migration the stored configuration and the configured stanzas call for, if any. */
  private migrationFor(config: SealConfig): SealMigration | null {
    const { autoSeal, migrateFrom } = this.setup;
    if (!isAutoSealConfig(config)) return autoSeal ? { kind: 'to-auto', to: autoSeal } : null;
    if (!autoSeal && migrateFrom && migrateFrom !== 'shamir' && migrateFrom.type === config.type) return { kind: 'to-shamir', from: migrateFrom };
    return null;
  }

  /** The last key of a migrating unseal: rewrite the seal configuration for the new seal, then unseal. */
  private async migrate(migration: SealMigration, stored: SealConfig): Promise<SealStatus> {
    const parts = this.unsealShares.take();
    const rootKey = migration.kind === 'to-auto'
      ? await migrateToAutoSeal(this.physical, stored as ShamirSealConfig, parts, migration.to)
      : await migrateToShamir(this.physical, stored, parts, migration.from);
    try {
      await this.unsealWith(rootKey);
    } finally {
      rootKey.fill(0);
    }
    this.logger.info({ migration: migration.kind }, 'seal migration complete; vault unsealed');
    return this.status();
  }

  /** init with an auto seal: recovery shares instead of unseal shares, and the server stays unsealed. */
  private async initAuto(autoSeal: AutoSeal, request: InitRequest): Promise<InitResponse> {
    if (await this.initialized()) throw new CofferError('invalid_request', 'Vault is already initialized');
    if (await this.barrier.initialized()) {
      throw new CofferError('invalid_request', 'storage already holds a barrier keyring but no seal configuration; refusing to initialize over existing data');
    }
    const rootKey = this.barrier.generateKey();
    try {
      const prepared = await initAutoSeal(this.physical, this.barrier, autoSeal, rootKey, request);
      this.logger.info({ seal: autoSeal.type, recovery_shares: request.recovery_shares, recovery_threshold: request.recovery_threshold }, 'vault initialized with an auto seal');
      await this.unsealWith(rootKey);
      let rootToken = await this.hooks.createRootToken();
      if (request.root_token_pgp_key) {
        rootToken = (await encryptForKeys([rootToken], [request.root_token_pgp_key]))[0]!.ciphertext.toString('base64');
      }
      return { keys: [], keys_base64: [], root_token: rootToken, recovery_keys: prepared.recoveryKeys, recovery_keys_base64: prepared.recoveryKeysBase64 };
    } finally {
      rootKey.fill(0);
    }
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
