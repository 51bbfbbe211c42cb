import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { DETAILED_FLAG } from '../cli/flag-sets.js';
import { listMounts } from '../mounts/list.js';

export const secretsListCommand: Command = {
  name: 'secrets list',
  synopsis: 'List enabled secrets engines',
  help: `
Usage: ${CLI_NAME} secrets list [options]

  Lists the enabled secret engines on the server. This command also outputs
  information about the enabled path including configured TTLs and human-
  friendly descriptions. A TTL of "system" indicates that the system default
  is in use.

      $ ${CLI_NAME} secrets list
      $ ${CLI_NAME} secrets list -detailed`,
  flagSets: ['http', 'format'],
  flags: [{ ...DETAILED_FLAG, usage: 'Print detailed information such as TTLs and replication status about each secrets engine.' }],
  run(ctx) {
    return listMounts(ctx, 'secrets');
  },
};
