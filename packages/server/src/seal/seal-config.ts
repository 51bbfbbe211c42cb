import { CofferError, type Storage } from '@coffer/sdk';
import { BlobError, decryptBlob, encryptBlob } from '../barrier/aead.js';
import { SEAL_CONFIG_PATH } from '../barrier/paths.js';

/**
 * The Shamir seal's configuration, stored unencrypted in physical storage at
 * `core/seal-config` because it must be read while sealed (seal-status shows
 * t and n).
 *
 * Key hierarchy (three levels, like Vault's Shamir seal since 1.3):
 *
 *   unseal key shares --Shamir--> unseal key (32 bytes, never stored)
 *   unseal key --AES-256-GCM--> root key   (`wrapped_root_key` below)
 *   root key   --AES-256-GCM--> keyring    (`core/keyring`, owned by the barrier)
 *   keyring    --AES-256-GCM--> every stored value
 *
 * The shares reconstruct a key-encryption key rather than the root key
 * itself, so a rekey only has to re-wrap 32 bytes: it writes this one record
 * with the new shares/threshold and the root key wrapped under the new unseal
 * key, in a single put, so a crash can never leave a threshold that does not
 * match the shares. The keyring and the data are not touched.
 */
export interface ShamirSealConfig {
  type: 'shamir';
  secret_shares: number;
  secret_threshold: number;
  /** Vault reports 1 for every modern Shamir seal (the root key is stored, wrapped). */
  stored_shares: number;
  /** The root key encrypted under the unseal key: base64 of the barrier's blob layout. */
  wrapped_root_key: string;
}

/**
 * An auto seal's configuration (`seal "transit"`): the root key is stored
 * encrypted by the seal, and recovery key shares (Shamir shares of a
 * recovery key that is never stored) authorize generate-root and rekeys.
 * Recovery keys cannot decrypt anything: the recovery key wraps only a
 * random proof value, so combining the shares can be checked (GCM
 * authentication) without the recovery key ever reaching the root key.
 */
export interface AutoSealConfig {
  /** The seal's type ("transit"). */
  type: string;
  recovery_shares: number;
  recovery_threshold: number;
  stored_shares: 1;
  /** The root key as the seal encrypted it ("vault:v1:…" for transit). */
  sealed_root_key: string;
  /** A random proof value wrapped by the recovery key (the barrier's blob layout, base64). */
  recovery_proof: string;
}

export type SealConfig = ShamirSealConfig | AutoSealConfig;

export function isAutoSealConfig(config: SealConfig): config is AutoSealConfig {
  return config.type !== 'shamir';
}

/**
 * The key shares this configuration answers to, in Shamir terms: the unseal
 * shares of a Shamir seal, the recovery shares of an auto seal (whose
 * "wrapped key" is the recovery proof). Rekey and generate-root work on this
 * view; fromShareView() puts a rekeyed view back.
 */
export function shareView(config: SealConfig): ShamirSealConfig {
  if (!isAutoSealConfig(config)) return config;
  return { type: 'shamir', secret_shares: config.recovery_shares, secret_threshold: config.recovery_threshold, stored_shares: 1, wrapped_root_key: config.recovery_proof };
}

export function fromShareView(original: SealConfig, view: ShamirSealConfig): SealConfig {
  if (!isAutoSealConfig(original)) return view;
  return { ...original, recovery_shares: view.secret_shares, recovery_threshold: view.secret_threshold, recovery_proof: view.wrapped_root_key };
}

const MAX_SHARES = 255;

/** Vault's seal-config rules and messages; returns the first problem, or null. */
export function sealConfigProblem(shares: number, threshold: number): string | null {
  if (shares < 1) return 'shares must be at least one';
  if (threshold < 1) return 'threshold must be at least one';
  if (shares > 1 && threshold === 1) return 'threshold must be greater than one for multiple shares';
  if (shares > MAX_SHARES) return 'shares must be less than 256';
  if (threshold > MAX_SHARES) return 'threshold must be less than 256';
  if (threshold > shares) return 'threshold cannot be larger than shares';
  return null;
}

export async function readSealConfig(physical: Storage): Promise<SealConfig | null> {
  const entry = await physical.get(SEAL_CONFIG_PATH);
  if (!entry) return null;
  let parsed: Partial<ShamirSealConfig & AutoSealConfig>;
  try {
    parsed = JSON.parse(entry.value.toString('utf8')) as Partial<ShamirSealConfig & AutoSealConfig>;
  } catch (err) {
    throw new CofferError('internal', `the seal configuration at ${SEAL_CONFIG_PATH} is not valid JSON`, { cause: err });
  }
  if (typeof parsed.type === 'string' && parsed.type !== 'shamir') {
    if (!Number.isInteger(parsed.recovery_shares) || !Number.isInteger(parsed.recovery_threshold) || typeof parsed.sealed_root_key !== 'string' || typeof parsed.recovery_proof !== 'string') {
      throw new CofferError('internal', `the ${parsed.type} seal configuration at ${SEAL_CONFIG_PATH} is incomplete`);
    }
    return parsed as AutoSealConfig;
  }
  if (
    parsed.type !== 'shamir' ||
    !Number.isInteger(parsed.secret_shares) ||
    !Number.isInteger(parsed.secret_threshold) ||
    typeof parsed.wrapped_root_key !== 'string'
  ) {
    throw new CofferError('internal', `the seal configuration at ${SEAL_CONFIG_PATH} is incomplete or of an unsupported seal type`);
  }
  return parsed as ShamirSealConfig;
}

export async function writeSealConfig(physical: Storage, config: SealConfig): Promise<void> {
  await physical.put({ key: SEAL_CONFIG_PATH, value: Buffer.from(JSON.stringify(config), 'utf8') });
}

export function wrapRootKey(unsealKey: Buffer, rootKey: Buffer): string {
  return encryptBlob(unsealKey, 0, rootKey, 'root-key', SEAL_CONFIG_PATH).toString('base64');
}

/** The root key, or null when `unsealKey` is not the key that wrapped it. */
export function unwrapRootKey(unsealKey: Buffer, config: ShamirSealConfig): Buffer | null {
  if (unsealKey.length !== 32) return null;
  try {
    return decryptBlob(unsealKey, Buffer.from(config.wrapped_root_key, 'base64'), 'root-key', SEAL_CONFIG_PATH);
  } catch (err) {
    if (err instanceof BlobError) return null;
    throw err;
  }
}
