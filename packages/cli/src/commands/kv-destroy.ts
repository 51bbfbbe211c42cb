import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { MOUNT_FLAG, VERSIONS_FLAG } from '../kv/common.js';
import { runVersionOperation } from '../kv/version-op.js';

export const kvDestroyCommand: Command = {
  name: 'kv destroy',
  synopsis: 'Permanently removes one or more versions in the KV store',
  help: `
Usage: ${CLI_NAME} kv destroy [options] KEY

  Permanently removes the specified versions' data from the key-value store.
  If no key exists at the path, no action is taken.

  To destroy version 3 of key foo:

      $ ${CLI_NAME} kv destroy -mount=secret -versions=3 foo`,
  flagSets: ['http', 'format'],
  flags: [{ ...VERSIONS_FLAG, usage: 'Specifies the version numbers to destroy.' }, MOUNT_FLAG],
  run: (ctx) => runVersionOperation(ctx, 'destroy', 'Destroy'),
};
