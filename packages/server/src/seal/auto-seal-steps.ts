import { randomFillSync } from 'node:crypto';
import { CofferError, type Storage } from '@coffer/sdk';
import type { Barrier } from '../barrier/barrier.js';
import { KEYRING_PATH } from '../barrier/paths.js';
import type { AutoSeal } from './auto-seal.js';
import { combineKeyShares, splitUnsealKey, wipeAll } from './key-shares.js';
import { encryptShares, pgpFingerprints } from './pgp-shares.js';
import {
  sealConfigProblem,
  shareView,
  unwrapRootKey,
  wrapRootKey,
  writeSealConfig,
  type AutoSealConfig,
  type SealConfig,
  type ShamirSealConfig,
} from './seal-config.js';
import type { InitRequest } from './types.js';

/** A seal migration the configuration calls for (see SealSetup). */
export type SealMigration = { kind: 'to-auto'; to: AutoSeal } | { kind: 'to-shamir'; from: AutoSeal };

const KEY_BYTES = 32;

function randomKey(): Buffer {
  return randomFillSync(Buffer.alloc(KEY_BYTES));
}

/**
 * Initializes storage for an auto seal: the root key encrypted by the seal
 * (asked first, so an unreachable seal leaves nothing written), the keyring,
 * and recovery shares of a fresh recovery key that wraps only a proof value.
 */
export async function initAutoSeal(
  physical: Storage,
  barrier: Barrier,
  autoSeal: AutoSeal,
  rootKey: Buffer,
  request: InitRequest,
): Promise<{ recoveryKeys: string[]; recoveryKeysBase64: string[] }> {
  const shares = request.recovery_shares ?? 0;
  const threshold = request.recovery_threshold ?? 0;
  const problem = sealConfigProblem(shares, threshold);
  if (problem) throw new CofferError('invalid_request', `invalid recovery configuration: ${problem.replace(/^(shares|threshold)/, 'recovery $1')}`);
  const pgpKeys = request.recovery_pgp_keys ?? [];
  if (pgpKeys.length > 0 && pgpKeys.length !== shares) {
    throw new CofferError('invalid_request', `incorrect number of recovery PGP keys: ${pgpKeys.length} given for ${shares} recovery shares`);
  }
  if (pgpKeys.length > 0) await pgpFingerprints(pgpKeys);
  if (request.root_token_pgp_key) await pgpFingerprints([request.root_token_pgp_key]);

  const sealedRootKey = await autoSeal.encrypt(rootKey);
  const recoveryKey = randomKey();
  const proof = randomKey();
  let parts: Buffer[] = [];
  try {
    parts = await splitUnsealKey(recoveryKey, shares, threshold);
    const config: AutoSealConfig = {
      type: autoSeal.type,
      recovery_shares: shares,
      recovery_threshold: threshold,
      stored_shares: 1,
      sealed_root_key: sealedRootKey,
      recovery_proof: wrapRootKey(recoveryKey, proof),
    };
    await barrier.initialize(rootKey);
    try {
      await writeSealConfig(physical, config);
    } catch (err) {
      // As the Shamir init: no keyring without a seal configuration, or a retry would refuse.
      await physical.delete(KEYRING_PATH).catch(() => undefined);
      throw err;
    }
    const handedOut = pgpKeys.length > 0 ? (await encryptShares(parts, pgpKeys)).map((e) => e.ciphertext) : parts;
    return { recoveryKeys: handedOut.map((p) => p.toString('hex')), recoveryKeysBase64: handedOut.map((p) => p.toString('base64')) };
  } finally {
    recoveryKey.fill(0);
    proof.fill(0);
    wipeAll(parts);
  }
}

const wrongShares = (what: string): CofferError =>
  new CofferError('invalid_request', `seal migration failed: the key shares given do not combine to this Vault's ${what}; progress has been reset`);

/**
 * Shamir → auto seal. The unseal shares prove possession and become the
 * recovery shares (the unseal key turns into the recovery key, as in
 * Vault); the root key is re-protected by the new seal. Returns the root key.
 */
export async function migrateToAutoSeal(physical: Storage, config: ShamirSealConfig, parts: Buffer[], to: AutoSeal): Promise<Buffer> {
  const unsealKey = await combineKeyShares(parts, config.secret_threshold);
  wipeAll(parts);
  const proof = randomKey();
  try {
    const rootKey = unwrapRootKey(unsealKey, config);
    if (!rootKey) throw wrongShares('unseal key');
    return await installReturningRootKey(physical, rootKey, async () => ({
      type: to.type,
      recovery_shares: config.secret_shares,
      recovery_threshold: config.secret_threshold,
      stored_shares: 1,
      sealed_root_key: await to.encrypt(rootKey),
      recovery_proof: wrapRootKey(unsealKey, proof),
    }));
  } finally {
    unsealKey.fill(0);
    proof.fill(0);
  }
}

/**
 * Auto seal → Shamir. The recovery shares prove possession and become the
 * unseal shares; the old seal decrypts the root key one last time, and the
 * recovery key wraps it from now on. Returns the root key.
 */
export async function migrateToShamir(physical: Storage, stored: SealConfig, parts: Buffer[], from: AutoSeal): Promise<Buffer> {
  const view = shareView(stored);
  if (stored.type === 'shamir') throw new CofferError('internal', 'the stored seal is already Shamir');
  const recoveryKey = await combineKeyShares(parts, view.secret_threshold);
  wipeAll(parts);
  try {
    const proof = unwrapRootKey(recoveryKey, view);
    if (!proof) throw wrongShares('recovery key');
    proof.fill(0);
    const rootKey = await from.decrypt((stored as AutoSealConfig).sealed_root_key);
    return await installReturningRootKey(physical, rootKey, async (): Promise<ShamirSealConfig> => ({
      type: 'shamir',
      secret_shares: view.secret_shares,
      secret_threshold: view.secret_threshold,
      stored_shares: 1,
      wrapped_root_key: wrapRootKey(recoveryKey, rootKey),
    }));
  } finally {
    recoveryKey.fill(0);
  }
}

/** Stores the migrated seal configuration and hands the root key on; on failure the key is wiped. */
async function installReturningRootKey(physical: Storage, rootKey: Buffer, next: () => Promise<SealConfig>): Promise<Buffer> {
  try {
    await writeSealConfig(physical, await next());
    return rootKey;
  } catch (err) {
    rootKey.fill(0);
    throw err;
  }
}
