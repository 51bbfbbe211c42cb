import type { Logger } from '@coffer/sdk';

/** An opened storage backend, as far as the CLI handles it (the server package owns the rest). */
export interface OpenedStorage {
  readonly name: string;
  close(): Promise<void>;
}

/** What the offline storage commands (migrate, backup restore) use of the server package. */
export interface StorageTools {
  createPhysical(type: string, config: Record<string, string>, logger: Logger): Promise<OpenedStorage>;
  parseMigrateConfig(text: string, fileName: string): { source: { type: string; config: Record<string, string> }; destination: { type: string; config: Record<string, string> } };
  migrateStorage(options: {
    source: OpenedStorage;
    destination: OpenedStorage;
    start?: string;
    allowNonEmpty?: boolean;
    logger: Logger;
    onProgress?: (done: number, total: number, key: string) => void;
  }): Promise<{ copied: number; lastKey: string }>;
  restoreBackup(options: {
    destination: OpenedStorage;
    file: Buffer;
    logger: Logger;
    onProgress?: (done: number, total: number) => void;
  }): Promise<{ restored: number; header: { storage_type: string; created: string } }>;
  loadConfig(paths: string[]): Promise<{ config: { storage?: { type: string; config: Record<string, string> } } }>;
  quietLogger(): Logger;
}

/**
 * The server package, loaded only when an offline storage command runs (as
 * `server` does: a variable specifier keeps the CLI compiling on its own).
 */
export async function loadStorageTools(): Promise<StorageTools> {
  const specifier = '@coffer/server';
  const server = (await import(specifier)) as Omit<StorageTools, 'quietLogger'>;
  const { silentLogger } = await import('@coffer/sdk');
  return { ...server, quietLogger: () => silentLogger };
}
