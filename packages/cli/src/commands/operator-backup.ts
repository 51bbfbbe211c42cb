import { readFile, rename, writeFile } from 'node:fs/promises';
import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, EXIT_API, EXIT_USAGE, type Command } from '../cli/command.js';
import { progressBar } from '../format/progress.js';
import { loadStorageTools, type OpenedStorage } from './storage-tools.js';

export const operatorBackupSaveCommand: Command = {
  name: 'operator backup save',
  synopsis: 'Saves a consistent snapshot of the storage to a file',
  help: `
Usage: ${CLI_NAME} operator backup save [options] FILE

  Asks the running server for a consistent snapshot of its whole storage
  (sys/storage/backup, which needs a sudo token) and writes it to FILE. The
  server keeps serving while the snapshot is taken. Entries stay encrypted:
  restoring the backup needs the same unseal or recovery keys.

      $ ${CLI_NAME} operator backup save coffer.backup`,
  flagSets: ['http'],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const file = ctx.args[0]!;
    const bar = progressBar(ctx.io.stderr, 'Downloading', 'bytes');
    let bytes: Buffer;
    try {
      let started = false;
      const response = await ctx.client().request('GET', 'sys/storage/backup', {
        onDownload: (received, total) => {
          if (total <= 0) return;
          if (!started) {
            bar.start(total);
            started = true;
          }
          bar.update(received);
        },
      });
      bytes = response.bytes;
    } catch (err) {
      bar.stop();
      return apiFailure(ctx, 'Error taking the backup', err);
    }
    bar.stop();
    try {
      // Written beside the target and renamed: an interrupted save never leaves half a backup under FILE.
      await writeFile(`${file}.partial`, bytes, { mode: 0o600 });
      await rename(`${file}.partial`, file);
    } catch (err) {
      ctx.ui.error(`Error writing ${file}: ${(err as Error).message}`);
      return EXIT_USAGE;
    }
    ctx.ui.output(`Success! Backup saved to ${file} (${bytes.length} bytes).`);
    return 0;
  },
};

export const operatorBackupRestoreCommand: Command = {
  name: 'operator backup restore',
  synopsis: 'Restores a backup into an empty storage',
  help: `
Usage: ${CLI_NAME} operator backup restore -config=SERVER.hcl FILE

  Writes the entries of a backup made by "${CLI_NAME} operator backup save"
  into the storage named by the server configuration's storage stanza. The
  storage must be empty and no ${PRODUCT_NAME} server may be running on it;
  it may be of any type (a backup of sqlite storage restores into
  PostgreSQL). The backup's checksum is checked before anything is written.
  Start the server afterwards and unseal it with the original keys.

      $ ${CLI_NAME} operator backup restore -config=/etc/coffer/config.hcl coffer.backup`,
  flagSets: [],
  flags: [{ name: 'config', kind: 'list', usage: 'Path to the server configuration (file or directory) whose storage stanza names the destination.' }],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const configPaths = ctx.flags.list('config');
    if (configPaths.length === 0) {
      ctx.ui.error('Must specify the server configuration with -config: its storage stanza is where the backup is restored');
      return EXIT_USAGE;
    }
    let file: Buffer;
    try {
      file = await readFile(ctx.args[0]!);
    } catch (err) {
      ctx.ui.error(`Error reading the backup: ${(err as Error).message}`);
      return EXIT_USAGE;
    }
    const server = await loadStorageTools();
    let storage: OpenedStorage | undefined;
    const bar = progressBar(ctx.io.stderr, 'Restoring', 'entries');
    try {
      const { config } = await server.loadConfig(configPaths);
      if (!config.storage) throw new Error('the configuration has no storage stanza');
      storage = await server.createPhysical(config.storage.type, config.storage.config, server.quietLogger());
      let started = false;
      const result = await server.restoreBackup({
        destination: storage,
        file,
        logger: server.quietLogger(),
        onProgress: (done, total) => {
          if (!started) {
            bar.start(total);
            started = true;
          }
          bar.update(done);
        },
      });
      bar.stop();
      ctx.ui.output(`Success! Restored ${result.restored} entries (backup of ${result.header.storage_type} storage taken ${result.header.created}) into ${config.storage.type} storage.`);
      return 0;
    } catch (err) {
      bar.stop();
      ctx.ui.error(`Error restoring: ${(err as Error).message}`);
      return EXIT_API;
    } finally {
      await storage?.close();
    }
  },
};
