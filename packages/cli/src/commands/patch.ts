import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { runDataWrite } from '../cli/data-write.js';

export const patchCommand: Command = {
  name: 'patch',
  synopsis: 'Patch data, configuration, and secrets',
  help: `
Usage: ${CLI_NAME} patch [options] PATH [DATA K=V...]

  Partially updates data at the given path with an HTTP PATCH request (a JSON
  merge patch): only the given keys change. Data arguments work as for
  "${CLI_NAME} write".

      $ ${CLI_NAME} patch pki/roles/example allow_localhost=false`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    {
      name: 'force',
      aliases: ['f'],
      kind: 'bool',
      usage: 'Allow the operation to continue with no key=value pairs.',
    },
  ],
  run(ctx) {
    return runDataWrite(ctx, 'patch');
  },
};
