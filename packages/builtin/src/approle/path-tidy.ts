import type { PathDefinition, Storage } from '@coffer/sdk';
import type { ApproleContext } from './context.js';
import { tidySecretIds, type TidyResult } from './tidy.js';

/** Runs at most one tidy at a time per mount; callers arriving meanwhile share the running one. */
export class TidyRunner {
  private running: Promise<TidyResult> | undefined;

  constructor(private readonly ctx: ApproleContext) {}

  get inProgress(): boolean {
    return this.running !== undefined;
  }

  run(storage: Storage): Promise<TidyResult> {
    this.running ??= tidySecretIds(this.ctx, storage).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Start a tidy in the background; false when one is already running. */
  start(storage: Storage): boolean {
    if (this.running) return false;
    this.run(storage).then(
      (result) => this.ctx.logger.debug(result, 'approle: tidy of secret IDs finished'),
      (err: unknown) => this.ctx.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'approle: tidy of secret IDs failed'),
    );
    return true;
  }
}

export function pathTidySecretId(runner: TidyRunner): PathDefinition {
  return {
    pattern: 'tidy/secret-id$',
    operations: {
      update: {
        summary: 'Remove expired secret IDs now.',
        callback: async (req) => {
          if (!runner.start(req.storage)) return { warnings: ['Tidy operation already in progress.'] };
          return {
            statusCode: 202,
            warnings: ["Tidy operation successfully started. Any information from the operation will be printed to Coffer's server logs."],
          };
        },
      },
    },
    helpSynopsis: 'Remove expired secret IDs now.',
    helpDescription:
      'Expired secret IDs are refused at login and removed periodically. This endpoint starts that clean-up at once, ' +
      'in the background, and also removes index entries left behind by secret IDs that no longer exist.',
  };
}
