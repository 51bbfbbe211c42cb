import { rekeyBackupPaths } from '../../seal/index.js';
import type { CoreModule } from './module.js';

/** sys/rekey/backup and its recovery-key twins: the seal's PGP share backups, read and deleted while unsealed. */
export const rekeyBackupModule: CoreModule = {
  name: 'rekey-backup',
  needs: ['sealControl'],
  build(ctx) {
    return { sysPaths: rekeyBackupPaths(ctx.get('sealControl')) };
  },
};
