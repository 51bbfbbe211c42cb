import type { Logger } from '@coffer/sdk';
import { refuseNonEmpty, takeServerLock } from '../migrate/offline-storage.js';
import type { PhysicalBackend } from '../physical/types.js';
import { readBackup, type BackupHeader } from './backup-file.js';

/**
 * Restores a backup into an empty storage of any type, with no server
 * running on it. The whole file is checked first (checksum, entry count),
 * so a damaged backup writes nothing.
 */
export async function restoreBackup(options: {
  destination: PhysicalBackend;
  file: Buffer;
  logger: Logger;
  onProgress?: (done: number, total: number) => void;
}): Promise<{ restored: number; header: BackupHeader }> {
  const { destination } = options;
  const { header, entries } = readBackup(options.file);
  const lock = await takeServerLock(destination, 'destination');
  try {
    await refuseNonEmpty(destination, 'restore into an empty storage');
    let done = 0;
    for (const entry of entries) {
      await destination.put(entry);
      done++;
      options.onProgress?.(done, entries.length);
    }
    options.logger.info({ restored: done, from: header.storage_type, into: destination.name }, 'backup restored');
    return { restored: done, header };
  } finally {
    await lock?.release().catch(() => undefined);
  }
}
