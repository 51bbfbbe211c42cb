import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { disableAtPath } from '../mounts/disable.js';

export const secretsDisableCommand: Command = {
  name: 'secrets disable',
  synopsis: 'Disable a secret engine',
  help: `
Usage: ${CLI_NAME} secrets disable [options] PATH

  Disables a secrets engine at the given PATH. The argument corresponds to the
  enabled PATH of the engine, not the TYPE! All secrets created by this engine
  are revoked and its data is deleted.

      $ ${CLI_NAME} secrets disable aws/`,
  flagSets: ['http'],
  run(ctx) {
    return disableAtPath(ctx, {
      endpoint: 'sys/mounts',
      failure: (path) => `Error disabling secrets engine at ${path}`,
      success: (path) => `Success! Disabled the secrets engine (if it existed) at: ${path}`,
    });
  },
};
