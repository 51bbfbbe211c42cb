import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { parseDataArgsStrings } from '../cli/kv-args.js';
import { ensureTrailingSlash } from '../kv/paths.js';

export const auditEnableCommand: Command = {
  name: 'audit enable',
  synopsis: 'Enables an audit device',
  help: `
Usage: ${CLI_NAME} audit enable [options] TYPE [CONFIG K=V...]

  Enables an audit device at a given path.

  This command enables an audit device of TYPE. Additional options for
  configuring the audit device can be specified after the type in the same
  format as the "${CLI_NAME} write" command in key/value pairs.

  For example, to configure the file audit device to write audit logs at the
  path "/var/log/audit.log":

      $ ${CLI_NAME} audit enable file file_path=/var/log/audit.log`,
  flagSets: ['http'],
  flags: [
    { name: 'description', kind: 'string', usage: 'Human-friendly description for the purpose of this audit device.' },
    {
      name: 'path',
      kind: 'string',
      usage: 'Place where the audit device will be accessible. This must be unique across all audit devices. This defaults to the "type" of the audit device.',
    },
    {
      name: 'local',
      kind: 'bool',
      usage: 'Mark the audit device as a local-only device. Local devices are not replicated or removed by replication.',
    },
  ],
  async run(ctx) {
    if (ctx.args.length < 1) {
      ctx.ui.error('Error enabling audit device: audit type missing. Valid types include \'file\', \'socket\' and \'syslog\'.');
      return 1;
    }
    const auditType = ctx.args[0]!.trim();
    const auditPath = ensureTrailingSlash(ctx.flags.string('path') || auditType);
    let options: Record<string, string>;
    try {
      options = await parseDataArgsStrings(ctx, ctx.args.slice(1));
    } catch (err) {
      ctx.ui.error(`Failed to parse K=V data: ${(err as Error).message}`);
      return 1;
    }
    try {
      await ctx.client().request('PUT', `sys/audit/${auditPath}`, {
        body: {
          type: auditType,
          description: ctx.flags.string('description') ?? '',
          options,
          local: ctx.flags.bool('local'),
        },
      });
    } catch (err) {
      return apiFailure(ctx, 'Error enabling audit device', err);
    }
    ctx.ui.output(`Success! Enabled the ${auditType} audit device at: ${auditPath}`);
    return 0;
  },
};
