import { randomFillSync, randomUUID } from 'node:crypto';
import { CofferError, type Logger, type Storage } from '@coffer/sdk';
import { KeyShareCollector, splitUnsealKey, wipeAll } from './key-shares.js';
import { recoverRootKey } from './recover-root-key.js';
import { sealConfigProblem, wrapRootKey, writeSealConfig, type SealConfig } from './seal-config.js';
import type { RekeyInitRequest, RekeyResult, RekeyStatus } from './types.js';

interface Attempt {
  nonce: string;
  shares: number;
  threshold: number;
  collected: KeyShareCollector;
}

/**
 * A barrier rekey: a quorum of the current unseal key shares authorizes a new
 * unseal key, split into a new set of shares. The root key is re-wrapped
 * under the new unseal key; the keyring and data are untouched. The caller
 * (the seal manager) checks that Vault is initialized and unsealed and runs
 * one operation at a time.
 */
export class BarrierRekey {
  private attempt: Attempt | null = null;

  constructor(
    private readonly physical: Storage,
    private readonly logger: Logger,
  ) {}

  status(config: SealConfig): RekeyStatus {
    const a = this.attempt;
    return {
      nonce: a?.nonce ?? '',
      started: a !== null,
      t: a?.threshold ?? 0,
      n: a?.shares ?? 0,
      progress: a?.collected.count ?? 0,
      required: config.secret_threshold,
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
    };
  }

  init(config: SealConfig, request: RekeyInitRequest): RekeyStatus {
    if (request.backup && (request.pgp_keys?.length ?? 0) === 0) {
      throw new CofferError('invalid_request', 'cannot request a backup of the new keys without providing PGP keys for encryption');
    }
    if ((request.pgp_keys?.length ?? 0) > 0) {
      throw new CofferError('invalid_request', 'PGP-encrypted key shares are not supported yet; rekey without pgp_keys');
    }
    if (request.require_verification) {
      throw new CofferError('invalid_request', 'rekey verification (require_verification) is not supported yet; rekey without it');
    }
    if (request.secret_threshold > request.secret_shares) {
      throw new CofferError('invalid_request', 'provided threshold greater than the total shares');
    }
    const problem = sealConfigProblem(request.secret_shares, request.secret_threshold);
    if (problem) throw new CofferError('invalid_request', `invalid rekey seal configuration: ${problem}`);
    if (this.attempt) throw new CofferError('invalid_request', 'rekey already in progress');

    this.attempt = {
      nonce: randomUUID(),
      shares: request.secret_shares,
      threshold: request.secret_threshold,
      collected: new KeyShareCollector(),
    };
    this.logger.info({ nonce: this.attempt.nonce, shares: request.secret_shares, threshold: request.secret_threshold }, 'rekey initialized');
    return this.status(config);
  }

  /** Add one current share; at the threshold, install the new unseal key and return its shares. */
  async update(config: SealConfig, share: Buffer, nonce: string): Promise<RekeyStatus | RekeyResult> {
    const a = this.attempt;
    if (!a) throw new CofferError('invalid_request', 'no barrier rekey in progress');
    if (nonce !== a.nonce) throw new CofferError('invalid_request', `incorrect nonce supplied; nonce for this rekey operation is "${a.nonce}"`);
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
      await writeSealConfig(this.physical, {
        ...config,
        secret_shares: a.shares,
        secret_threshold: a.threshold,
        wrapped_root_key: wrapRootKey(newUnsealKey, rootKey),
      });
      this.attempt = null;
      this.logger.info({ nonce: a.nonce, shares: a.shares, threshold: a.threshold }, 'rekey complete: new unseal key installed');
      return {
        nonce: a.nonce,
        complete: true,
        keys: shares.map((s) => s.toString('hex')),
        keys_base64: shares.map((s) => s.toString('base64')),
        pgp_fingerprints: null,
        backup: false,
        verification_required: false,
      };
    } finally {
      rootKey.fill(0);
      newUnsealKey.fill(0);
      wipeAll(shares);
    }
  }

  cancel(): void {
    this.attempt?.collected.reset();
    this.attempt = null;
  }
}
