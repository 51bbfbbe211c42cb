import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { tableOutput } from '../format/columns.js';
import { outputData } from '../format/output.js';

interface NodeResult {
  timestamp?: string;
  error?: string;
}

export const pluginReloadStatusCommand: Command = {
  name: 'plugin reload-status',
  synopsis: 'Get the status of an active or recently completed global plugin reload',
  help: `
Usage: ${CLI_NAME} plugin reload-status RELOAD_ID

  Retrieves the status of a recent cluster plugin reload. The reload id must
  be provided.

      $ ${CLI_NAME} plugin reload-status d60a3e83-a598-4f3a-879d-0ddd95f11d4e`,
  flagSets: ['http', 'format'],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const reloadId = ctx.args[0]!.trim();
    let data: Record<string, unknown>;
    try {
      const secret = await ctx.client().secret('GET', 'sys/plugins/reload/backend/status', { query: { reload_id: reloadId } });
      data = secret?.data ?? {};
    } catch (err) {
      return apiFailure(ctx, 'Error retrieving plugin reload status', err);
    }
    if (ctx.format !== 'table') return outputData(ctx.ui, data);
    const results = (data.results ?? {}) as Record<string, NodeResult>;
    const rows = ['Time | Participant | Success | Message '];
    for (const participant of Object.keys(results).sort()) {
      const r = results[participant] ?? {};
      const time = /T(\d{2}:\d{2}:\d{2})/.exec(r.timestamp ?? '')?.[1] ?? '';
      const error = r.error ?? '';
      rows.push(`${time} | ${participant} | ${error === ''} | ${error} `);
    }
    ctx.ui.output(tableOutput(rows));
    return 0;
  },
};
