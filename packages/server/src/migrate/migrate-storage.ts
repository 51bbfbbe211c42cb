import { CofferError, type Logger } from '@coffer/sdk';
import type { HALock } from '../physical/ha.js';
import type { PhysicalBackend } from '../physical/types.js';
import { refuseNonEmpty, takeServerLock } from './offline-storage.js';
import { walkKeys } from './storage-walk.js';

export interface MigrateOptions {
  source: PhysicalBackend;
  destination: PhysicalBackend;
  /** Copy only keys at or after this one (resume an interrupted migration). */
  start?: string;
  /** Copy into a destination that already holds entries. */
  allowNonEmpty?: boolean;
  logger: Logger;
  /** Called as entries are copied: done of total. */
  onProgress?: (done: number, total: number, key: string) => void;
}

export interface MigrateResult {
  copied: number;
  /** The last key copied, for -start after an interruption. */
  lastKey: string;
}

/**
 * Copies every entry, as stored (still encrypted), from one storage to
 * another, in ascending key order. Refuses a storage a running server holds
 * (its HA lock is taken for the whole copy) and a non-empty destination
 * unless told otherwise. An interruption reports the key to resume from.
 */
export async function migrateStorage(options: MigrateOptions): Promise<MigrateResult> {
  const { source, destination, start = '' } = options;
  const locks: HALock[] = [];
  try {
    for (const [role, storage] of [['source', source], ['destination', destination]] as const) {
      const lock = await takeServerLock(storage, role);
      if (lock) locks.push(lock);
    }
    if (!options.allowNonEmpty && !start) await refuseNonEmpty(destination, 'migrate into an empty one, or pass -allow-non-empty to copy over what is there');
    const keys: string[] = [];
    for await (const key of walkKeys(source)) if (key >= start) keys.push(key);
    let copied = 0;
    let lastKey = '';
    for (const key of keys) {
      const entry = await source.get(key);
      if (entry) {
        try {
          await destination.put(entry);
        } catch (err) {
          const resume = ` -start="${key}"`;
          throw new CofferError('unavailable', `copying "${key}" failed: ${(err as Error).message}; ${copied} entries were copied; run the migration again${resume} to resume`, { cause: err });
        }
        copied++;
        lastKey = key;
      }
      options.onProgress?.(copied, keys.length, key);
    }
    options.logger.info({ copied, source: source.name, destination: destination.name }, 'storage migration complete');
    return { copied, lastKey };
  } finally {
    for (const lock of locks) await lock.release().catch(() => undefined);
  }
}
