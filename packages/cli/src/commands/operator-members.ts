import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { tableOutput } from '../format/columns.js';
import { outputData } from '../format/output.js';

interface Member {
  hostname?: string;
  api_address?: string;
  cluster_address?: string;
  active_node?: boolean;
  version?: string;
  upgrade_version?: string;
  redundancy_zone?: string;
  last_echo?: string | null;
}

export const operatorMembersCommand: Command = {
  name: 'operator members',
  synopsis: 'Returns the list of nodes of an HA cluster',
  help: `
Usage: ${CLI_NAME} operator members [options]

  Lists the nodes of an HA cluster (sys/ha-status): the active node, and the
  standbys heard from in the last minute with the time of their last
  heartbeat.

      $ ${CLI_NAME} operator members`,
  flagSets: ['http', 'format'],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    let nodes: Member[];
    try {
      const secret = (await ctx.client().secret('GET', 'sys/ha-status')) ?? {};
      const data = (secret.data as { nodes?: Member[] } | undefined) ?? (secret as { nodes?: Member[] });
      nodes = data.nodes ?? [];
    } catch (err) {
      return apiFailure(ctx, 'Error retrieving HA status', err);
    }
    if (ctx.format !== 'table') return outputData(ctx.ui, { nodes });
    const rows = ['Host Name | API Address | Cluster Address | Active Node | Version | Upgrade Version | Redundancy Zone | Last Echo'];
    for (const n of nodes) {
      rows.push(
        [n.hostname, n.api_address, n.cluster_address, String(n.active_node === true), n.version, n.upgrade_version, n.redundancy_zone, n.last_echo ?? '']
          .map((cell) => cell ?? '')
          .join(' | '),
      );
    }
    ctx.ui.output(tableOutput(rows));
    return 0;
  },
};
