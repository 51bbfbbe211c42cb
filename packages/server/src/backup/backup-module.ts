import type { StorageEntry } from '@coffer/sdk';
import type { CoreModule } from '../core/modules/module.js';
import { writeBackup } from './backup-file.js';

/** What the backup endpoint needs of the storage: a consistent snapshot while serving (physical/snapshot-physical.ts). */
export interface SnapshotSource {
  readonly storageType: string;
  snapshot(): AsyncIterable<StorageEntry>;
}

declare module '../core/modules/module.js' {
  interface CoreServices {
    /** The physical storage's point-in-time snapshots (a root service). */
    snapshots: SnapshotSource;
  }
}

/**
 * sys/storage/backup: a consistent snapshot of the whole storage, still
 * encrypted, as a backup file (backup-file.ts), taken while the server keeps
 * serving. Sudo, as Vault's raft snapshot endpoint; `coffer operator backup
 * save` downloads it and `coffer operator backup restore` writes it into an
 * empty storage.
 */
export const backupModule: CoreModule = {
  name: 'backup',
  needs: ['snapshots'],
  provides: [],
  build(ctx) {
    const snapshots = ctx.get('snapshots');
    return {
      sysRootPaths: ['storage/backup'],
      sysPaths: [
        {
          pattern: 'storage/backup',
          operations: {
            read: {
              summary: 'A consistent, still-encrypted snapshot of the storage.',
              callback: async () => {
                const started = Date.now();
                let entries = 0;
                const file = await writeBackup({ created: new Date().toISOString(), storage_type: snapshots.storageType }, snapshots.snapshot(), (n) => (entries = n));
                ctx.logger.info({ entries, bytes: file.length, ms: Date.now() - started }, 'storage backup taken');
                return { data: { http_status_code: 200, http_content_type: 'application/gzip', http_raw_body: file } };
              },
            },
          },
          helpSynopsis: 'Back up the storage.',
          helpDescription: 'Returns a gzip file with every stored entry as stored (encrypted by the barrier), a header and a SHA-256 trailer. Restore it with `coffer operator backup restore` into an empty storage of any type.',
        },
      ],
    };
  },
};
