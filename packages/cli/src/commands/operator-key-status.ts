import type { ApiClient } from '../api/client.js';
import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { columnOutput } from '../format/columns.js';
import { rfc822 } from '../format/go-value.js';
import { outputData } from '../format/output.js';
import { ordered } from '../format/ordered.js';

/** Reads sys/key-status and prints it; "prefix" lines come first in table form. */
export async function printKeyStatus(ctx: Context, client: ApiClient, prefix: string[] = []): Promise<number> {
  let status: Record<string, unknown>;
  try {
    const secret = (await client.secret('GET', 'sys/key-status')) ?? {};
    status = (secret.data as Record<string, unknown> | undefined) ?? secret;
  } catch (err) {
    return apiFailure(ctx, 'Error reading key status', err);
  }
  if (ctx.format !== 'table') return outputData(ctx.ui, ordered(status, ['term', 'install_time', 'encryptions']));
  for (const line of prefix) ctx.ui.output(line);
  const rows = [`Key Term | ${String(status.term ?? 0)}`, `Install Time | ${rfc822(status.install_time)}`];
  if (status.encryptions !== undefined) rows.push(`Encryption Count | ${String(status.encryptions)}`);
  ctx.ui.output(columnOutput(rows));
  return 0;
}

export const operatorKeyStatusCommand: Command = {
  name: 'operator key-status',
  synopsis: 'Provides information about the active encryption key',
  help: `
Usage: ${CLI_NAME} operator key-status [options]

  Provides information about the active encryption key. Specifically, the
  current key term and the key installation time.

      $ ${CLI_NAME} operator key-status`,
  flagSets: ['http', 'format'],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    return printKeyStatus(ctx, ctx.client());
  },
};
