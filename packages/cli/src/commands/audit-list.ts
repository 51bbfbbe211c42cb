import { dataOrTopLevel } from '../api/secret.js';
import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { DETAILED_FLAG } from '../cli/flag-sets.js';
import { tableOutput } from '../format/columns.js';
import { goValue } from '../format/go-value.js';
import { outputData } from '../format/output.js';

type Device = Record<string, unknown>;

export const auditListCommand: Command = {
  name: 'audit list',
  synopsis: 'Lists enabled audit devices',
  help: `
Usage: ${CLI_NAME} audit list [options]

  Lists the enabled audit devices on the server, including the device's path,
  type and description.

      $ ${CLI_NAME} audit list
      $ ${CLI_NAME} audit list -detailed`,
  flagSets: ['http', 'format'],
  flags: [{ ...DETAILED_FLAG, usage: 'Print detailed information such as options and replication status about each audit device.' }],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    let devices: Record<string, Device>;
    try {
      devices = dataOrTopLevel(await ctx.client().secret('GET', 'sys/audit')) as Record<string, Device>;
    } catch (err) {
      return apiFailure(ctx, 'Error listing audits', err);
    }
    if (ctx.format !== 'table') return outputData(ctx.ui, devices);
    const paths = Object.keys(devices).sort();
    if (paths.length === 0) {
      ctx.ui.output('No audit devices are enabled.');
      return 2;
    }
    const detailed = ctx.flags.bool('detailed');
    const rows = [detailed ? 'Path | Type | Description | Replication | Options' : 'Path | Type | Description'];
    for (const path of paths) {
      const d = devices[path]!;
      const cells = [path, String(d.type ?? ''), String(d.description ?? '')];
      if (detailed) cells.push(d.local === true ? 'local' : 'replicated', goValue(d.options ?? {}));
      rows.push(cells.join(' | '));
    }
    ctx.ui.output(tableOutput(rows));
    return 0;
  },
};
