import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { disableAtPath } from '../mounts/disable.js';

export const authDisableCommand: Command = {
  name: 'auth disable',
  synopsis: 'Disables an auth method',
  help: `
Usage: ${CLI_NAME} auth disable [options] PATH

  Disables an existing auth method at the given PATH. The argument corresponds
  to the PATH of the mount, not the TYPE! Once the auth method is disabled its
  path can no longer be used to authenticate.

  All access tokens generated via the disabled auth method are immediately
  revoked.

      $ ${CLI_NAME} auth disable userpass/`,
  flagSets: ['http'],
  run(ctx) {
    return disableAtPath(ctx, {
      endpoint: 'sys/auth',
      failure: (path) => `Error disabling auth method at ${path}`,
      success: (path) => `Success! Disabled the auth method (if it existed) at: ${path}`,
    });
  },
};
