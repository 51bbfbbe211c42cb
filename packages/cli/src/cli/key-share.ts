// "operator generate-root" and "operator rekey" take a key share the same
// way: from the argument, from stdin ("-"), or from a hidden prompt; then
// they post it with the operation's nonce.
import type { ApiClient } from '../api/client.js';
import { apiFailure } from './command.js';
import type { Context } from './context.js';
import { promptHidden } from './prompt.js';

type Status = Record<string, unknown>;

export interface KeyShareSubmission {
  /** The KEY argument, trimmed; "" means prompt, "-" means stdin. */
  keyArg: string;
  /** The operation's current status (its nonce is used when prompting). */
  status: Status;
  /** Shown before the nonce when prompting, e.g. "Operation nonce". */
  nonceLabel: string;
  /** Where the key and nonce are PUT. */
  updatePath: string;
}

/** Reads the key share and nonce, posts them, and returns the server's answer (or an exit code). */
export async function submitKeyShare(ctx: Context, client: ApiClient, submission: KeyShareSubmission): Promise<Status | number> {
  let key = submission.keyArg;
  let nonce = ctx.flags.string('nonce') ?? '';
  if (key === '-') {
    key = await ctx.readStdin();
  } else if (key === '') {
    // When prompting, the nonce comes from the status just read.
    nonce = String(submission.status.nonce ?? '');
    ctx.ui.prompt(`${submission.nonceLabel}: ${nonce}\n`);
    key = await promptHidden(ctx, 'Unseal Key (will be hidden): ');
  }
  key = key.trim();
  if (nonce === '') {
    ctx.ui.error('Missing nonce value: specify it via the -nonce flag');
    return 1;
  }
  try {
    return (await client.secret('PUT', submission.updatePath, { body: { key, nonce } })) ?? {};
  } catch (err) {
    return apiFailure(ctx, 'Error posting unseal key', err);
  }
}
