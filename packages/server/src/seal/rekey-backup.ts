import { CofferError, getJson, putJson, type Storage } from '@coffer/sdk';
import type { EncryptedForKey } from './pgp-shares.js';

/** Where Vault keeps the PGP-encrypted shares of a rekey with `backup` (inside the barrier). */
export const REKEY_BACKUP_PATH = 'core/unseal-keys-backup';

/** The stored backup: encrypted shares (hex) grouped by the fingerprint of the key they are encrypted to. */
export interface RekeyBackup {
  nonce: string;
  keys: Record<string, string[]>;
}

export async function writeRekeyBackup(barrier: Storage, nonce: string, encrypted: readonly EncryptedForKey[]): Promise<void> {
  const keys: Record<string, string[]> = {};
  for (const { fingerprint, ciphertext } of encrypted) (keys[fingerprint] ??= []).push(ciphertext.toString('hex'));
  await putJson(barrier, REKEY_BACKUP_PATH, { nonce, keys } satisfies RekeyBackup);
}

/** sys/rekey/backup (GET): Vault's shape, with each share in hex and in base64. 400 when there is none. */
export async function readRekeyBackup(barrier: Storage): Promise<{ nonce: string; keys: Record<string, string[]>; keys_base64: Record<string, string[]> }> {
  const backup = await getJson<RekeyBackup>(barrier, REKEY_BACKUP_PATH);
  if (!backup) throw new CofferError('invalid_request', 'no backed-up keys found');
  const keysBase64 = Object.fromEntries(Object.entries(backup.keys).map(([fp, shares]) => [fp, shares.map((hex) => Buffer.from(hex, 'hex').toString('base64'))]));
  return { nonce: backup.nonce, keys: backup.keys, keys_base64: keysBase64 };
}

/** sys/rekey/backup (DELETE): succeeds whether or not a backup exists, as in Vault. */
export async function deleteRekeyBackup(barrier: Storage): Promise<void> {
  await barrier.delete(REKEY_BACKUP_PATH);
}
