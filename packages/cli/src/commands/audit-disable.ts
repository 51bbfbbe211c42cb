import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { disableAtPath } from '../mounts/disable.js';

export const auditDisableCommand: Command = {
  name: 'audit disable',
  synopsis: 'Disables an audit device',
  help: `
Usage: ${CLI_NAME} audit disable [options] PATH

  Disables an audit device. Once an audit device is disabled, no future audit
  logs are dispatched to it. The data associated with the audit device is not
  affected.

  The argument corresponds to the PATH of audit device, not the TYPE!

      $ ${CLI_NAME} audit disable file/`,
  flagSets: ['http'],
  run(ctx) {
    return disableAtPath(ctx, {
      endpoint: 'sys/audit',
      failure: () => 'Error disabling audit device',
      success: (path) => `Success! Disabled audit device (if it was enabled) at: ${path}`,
    });
  },
};
