import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { MOUNT_FLAG, VERSIONS_FLAG } from '../kv/common.js';
import { runVersionOperation } from '../kv/version-op.js';

export const kvUndeleteCommand: Command = {
  name: 'kv undelete',
  synopsis: 'Undeletes versions in the KV store',
  help: `
Usage: ${CLI_NAME} kv undelete [options] KEY

  Undeletes the data for the provided version and path in the key-value
  store. This restores the data, allowing it to be returned on get requests.

  To undelete version 3 of key "foo":

      $ ${CLI_NAME} kv undelete -mount=secret -versions=3 foo`,
  flagSets: ['http', 'format'],
  flags: [{ ...VERSIONS_FLAG, usage: 'Specifies the version numbers to undelete.' }, MOUNT_FLAG],
  run: (ctx) => runVersionOperation(ctx, 'undelete', 'Undelete'),
};
