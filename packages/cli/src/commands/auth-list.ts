import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { DETAILED_FLAG } from '../cli/flag-sets.js';
import { tableOutput } from '../format/columns.js';
import { outputData } from '../format/output.js';
import { detailedRows, mountsFrom, simpleRows } from '../mounts/table.js';

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
  async run(ctx) {
    if (ctx.args.length > 0) {
      ctx.ui.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
      return 1;
    }
    let mounts;
    try {
      mounts = mountsFrom(await ctx.client().secret('GET', 'sys/auth'));
    } catch (err) {
      return apiFailure(ctx, 'Error listing enabled authentications', err);
    }
    if (ctx.format !== 'table') return outputData(ctx.ui, mounts);
    const rows = ctx.flags.bool('detailed') ? detailedRows(mounts, 'auth') : simpleRows(mounts, true);
    ctx.ui.output(tableOutput(rows));
    return 0;
  },
};
