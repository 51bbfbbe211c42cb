// What "write", "patch", "delete" and "kv rollback" print once the request
// succeeded.
import type { Secret } from '../api/secret.js';
import { outputSecret, printRawField } from '../format/output.js';
import type { Context } from './context.js';

/** A note when the server answers nothing (table format only), else the secret or the -field asked for. */
export function outputWriteResult(ctx: Context, secret: Secret | null, successMessage: string): number {
  if (!secret) {
    // Nothing to show: only the table format prints a note.
    if (ctx.format === 'table') ctx.ui.info(successMessage);
    return 0;
  }
  if (ctx.field) return printRawField(ctx.ui, { secret }, ctx.field);
  return outputSecret(ctx.ui, secret);
}
