import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { argCountError, type Command } from '../cli/command.js';
import { outputSealStatus } from '../format/seal-status.js';

export const statusCommand: Command = {
  name: 'status',
  synopsis: 'Print seal and HA status',
  help: `
Usage: ${CLI_NAME} status [options]

  Prints the current state of ${PRODUCT_NAME} including whether it is sealed and if HA
  mode is enabled. This command prints regardless of whether the server is
  sealed.

  The exit code reflects the seal status:

      - 0 - unsealed
      - 1 - error
      - 2 - sealed

      $ ${CLI_NAME} status`,
  flagSets: ['http', 'format'],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    const client = ctx.client();
    let status;
    try {
      status = (await client.secret('GET', 'sys/seal-status')) ?? {};
    } catch (err) {
      // 2 means "sealed" for this command, so errors use 1.
      ctx.ui.error(`Error checking seal status: ${(err as Error).message}`);
      return 1;
    }
    const code = await outputSealStatus(ctx.ui, client, status);
    return status.sealed === true ? 2 : code;
  },
};
