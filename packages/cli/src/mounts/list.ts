// "secrets list" and "auth list": the same table over sys/mounts or sys/auth.
import { apiFailure, argCountError } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { tableOutput } from '../format/columns.js';
import { outputData } from '../format/output.js';
import { detailedRows, mountsFrom, simpleRows } from './table.js';

const LISTS = {
  secrets: { endpoint: 'sys/mounts', failure: 'Error listing secrets engines' },
  auth: { endpoint: 'sys/auth', failure: 'Error listing enabled authentications' },
} as const;

export async function listMounts(ctx: Context, kind: 'secrets' | 'auth'): Promise<number> {
  const usage = argCountError(ctx, '0', 0, 0);
  if (usage !== undefined) return usage;
  const { endpoint, failure } = LISTS[kind];
  let mounts;
  try {
    mounts = mountsFrom(await ctx.client().secret('GET', endpoint));
  } catch (err) {
    return apiFailure(ctx, failure, err);
  }
  if (ctx.format !== 'table') return outputData(ctx.ui, mounts);
  // Auth methods show their plugin version in the short table too.
  const rows = ctx.flags.bool('detailed') ? detailedRows(mounts, kind) : simpleRows(mounts, kind === 'auth');
  ctx.ui.output(tableOutput(rows));
  return 0;
}
