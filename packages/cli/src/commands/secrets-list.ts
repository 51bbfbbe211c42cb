import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { DETAILED_FLAG } from '../cli/flag-sets.js';
import { tableOutput } from '../format/columns.js';
import { outputData } from '../format/output.js';
import { detailedRows, mountsFrom, simpleRows } from '../mounts/table.js';

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
  async run(ctx) {
    if (ctx.args.length > 0) {
      ctx.ui.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
      return 1;
    }
    let mounts;
    try {
      mounts = mountsFrom(await ctx.client().secret('GET', 'sys/mounts'));
    } catch (err) {
      return apiFailure(ctx, 'Error listing secrets engines', err);
    }
    if (ctx.format !== 'table') return outputData(ctx.ui, mounts);
    const rows = ctx.flags.bool('detailed') ? detailedRows(mounts, 'secrets') : simpleRows(mounts, false);
    ctx.ui.output(tableOutput(rows));
    return 0;
  },
};
