import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { tableOutput } from '../format/columns.js';
import { outputData } from '../format/output.js';
import { RUNTIME_TYPES } from '../plugin/runtime.js';

export const pluginRuntimeListCommand: Command = {
  name: 'plugin runtime list',
  synopsis: 'Lists available plugin runtimes',
  help: `
Usage: ${CLI_NAME} plugin runtime list [options]

  Lists the plugin runtimes registered in the catalog.

      $ ${CLI_NAME} plugin runtime list
      $ ${CLI_NAME} plugin runtime list -type=process`,
  flagSets: ['http', 'format'],
  flags: [{ name: 'type', kind: 'string', usage: 'Only list runtimes of this type ("process" or "container").' }],
  async run(ctx) {
    if (ctx.args.length > 0) {
      ctx.ui.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
      return 1;
    }
    const type = (ctx.flags.string('type') ?? '').trim();
    if (type !== '' && !(RUNTIME_TYPES as readonly string[]).includes(type)) {
      ctx.ui.error(`Error parsing type: ${JSON.stringify(type)} is not a supported plugin runtime type`);
      return 2;
    }
    let runtimes: Record<string, unknown>[];
    try {
      const secret = await ctx.client().secret('GET', 'sys/plugins/runtimes/catalog', type ? { query: { type } } : {});
      runtimes = Array.isArray(secret?.data?.runtimes) ? (secret!.data!.runtimes as Record<string, unknown>[]) : [];
    } catch (err) {
      return apiFailure(ctx, 'Error listing available plugin runtimes', err);
    }
    if (ctx.format !== 'table') return outputData(ctx.ui, runtimes);
    const rows = ['Name | Type | OCI Runtime | Parent Cgroup | CPU Nanos | Memory Bytes | Pids Max | Run As User | Allow Network'];
    const text = (v: unknown): string => (v === undefined || v === null || v === '' ? 'n/a' : String(v));
    for (const r of runtimes) {
      rows.push(
        [r.name, r.type, text(r.oci_runtime), text(r.cgroup_parent), r.cpu_nanos ?? 0, r.memory_bytes ?? 0, r.pids_max ?? 0, text(r.run_as_user), r.allow_network ?? false].join(' | '),
      );
    }
    ctx.ui.output(tableOutput(rows));
    return 0;
  },
};
