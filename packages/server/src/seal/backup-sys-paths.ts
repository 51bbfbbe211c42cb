import { CofferError, type PathDefinition } from '@coffer/sdk';
import type { SealManager } from './seal-manager.js';

/** Relative to sys/; they need sudo, as in Vault (SYS_ROOT_PATHS lists them). */
export const REKEY_BACKUP_PATHS = ['rekey/backup', 'rekey/recovery-key-backup', 'rekey-recovery-key/backup'] as const;

/**
 * sys/rekey/backup and its recovery-key twins: read or delete the
 * PGP-encrypted shares that a rekey with `backup` stored. Authenticated and
 * sudo-protected, unlike the rest of the rekey API. A Shamir seal has no
 * recovery keys, so the recovery-key paths never find a backup.
 */
export function rekeyBackupPaths(seal: Pick<SealManager, 'rekeyBackup' | 'deleteRekeyBackup'>): PathDefinition[] {
  const [barrierPath, ...recoveryPaths] = REKEY_BACKUP_PATHS;
  return [
    {
      pattern: barrierPath,
      operations: {
        read: async () => ({ data: await seal.rekeyBackup() }),
        delete: async () => {
          await seal.deleteRekeyBackup();
          return null;
        },
      },
      helpSynopsis: 'Read or delete the backup of the PGP-encrypted unseal key shares made by a rekey with backup=true.',
    },
    ...recoveryPaths.map(
      (pattern): PathDefinition => ({
        pattern,
        operations: {
          read: async () => {
            throw new CofferError('invalid_request', 'no backed-up keys found');
          },
          delete: async () => null,
        },
        helpSynopsis: 'Backed-up recovery key shares (only with an auto-unseal seal; a Shamir seal has none).',
      }),
    ),
  ];
}
