import { readFile } from 'node:fs/promises';
import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { argCountError, EXIT_API, EXIT_USAGE, type Command } from '../cli/command.js';
import { progressBar } from '../format/progress.js';
import { loadStorageTools, type OpenedStorage } from './storage-tools.js';

export const operatorMigrateCommand: Command = {
  name: 'operator migrate',
  synopsis: 'Migrates stored data between storage backends',
  help: `
Usage: ${CLI_NAME} operator migrate [options]

  Copies every entry, still encrypted, from one storage backend to another.
  Stop every ${PRODUCT_NAME} server that uses either storage first: a storage
  whose HA lock is held by a running server is refused. The destination
  must be empty unless -allow-non-empty is given.

  The configuration file names both storages, as a server's storage stanza:

      storage_source "sqlite" {
        path = "/var/lib/coffer"
      }

      storage_destination "postgresql" {
        connection_url = "postgres://coffer@db/coffer"
      }

      $ ${CLI_NAME} operator migrate -config=migrate.hcl

  An interrupted migration says which key to resume from with -start.`,
  flagSets: [],
  flags: [
    { name: 'config', kind: 'string', usage: 'Path to a configuration file with storage_source and storage_destination stanzas.' },
    { name: 'start', kind: 'string', usage: 'Only copy keys at or after this one (lexicographic); resumes an interrupted migration.' },
    { name: 'allow-non-empty', kind: 'bool', usage: 'Copy into a destination that already holds entries (entries with the same key are overwritten).' },
    { name: 'max-parallel', kind: 'int', usage: 'Accepted for compatibility with Vault; entries are copied one at a time, in key order.' },
    { name: 'reset', kind: 'bool', usage: 'Accepted for compatibility with Vault; no migration lock is left behind to reset.' },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    const configPath = ctx.flags.string('config') ?? '';
    if (!configPath) {
      ctx.ui.error('Must specify exactly one config path using -config');
      return EXIT_USAGE;
    }
    const server = await loadStorageTools();
    let text: string;
    try {
      text = await readFile(configPath, 'utf8');
    } catch (err) {
      ctx.ui.error(`Error reading configuration file: ${(err as Error).message}`);
      return EXIT_USAGE;
    }
    let source: OpenedStorage | undefined;
    let destination: typeof source;
    const bar = progressBar(ctx.io.stderr, 'Migrating', 'entries');
    try {
      const config = server.parseMigrateConfig(text, configPath);
      const logger = server.quietLogger();
      source = await server.createPhysical(config.source.type, config.source.config, logger);
      destination = await server.createPhysical(config.destination.type, config.destination.config, logger);
      let total = -1;
      const result = await server.migrateStorage({
        source,
        destination,
        start: ctx.flags.string('start') ?? '',
        allowNonEmpty: ctx.flags.bool('allow-non-empty'),
        logger,
        onProgress: (done, all) => {
          if (total !== all) {
            total = all;
            bar.start(all);
          }
          bar.update(done);
        },
      });
      bar.stop();
      ctx.ui.output(`Success! Migrated ${result.copied} entries from ${config.source.type} to ${config.destination.type}.`);
      return 0;
    } catch (err) {
      bar.stop();
      ctx.ui.error(`Error migrating: ${(err as Error).message}`);
      return EXIT_API;
    } finally {
      await source?.close();
      await destination?.close();
    }
  },
};
