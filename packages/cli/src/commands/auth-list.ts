import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { DETAILED_FLAG } from '../cli/flag-sets.js';
import { listMounts } from '../mounts/list.js';

export const authListCommand: Command = {
  name: 'auth list',
  synopsis: 'Lists enabled auth methods',
  help: `
Usage: ${CLI_NAME} auth list [options]

  Lists the enabled auth methods on the server. This command also outputs
  information about the method including configuration and human-friendly
  descriptions. A TTL of "system" indicates that the system default is in use.

      $ ${CLI_NAME} auth list
      $ ${CLI_NAME} auth list -detailed`,
  flagSets: ['http', 'format'],
  flags: [{ ...DETAILED_FLAG, usage: 'Print detailed information such as configuration and replication status about each auth method.' }],
  run(ctx) {
    return listMounts(ctx, 'auth');
  },
};
