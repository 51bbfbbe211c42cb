import { CLI_NAME, VERSION_STRING } from '../cli/branding.js';
import type { Command } from '../cli/command.js';

export const versionCommand: Command = {
  name: 'version',
  synopsis: 'Prints the version',
  help: `
Usage: ${CLI_NAME} version

  Prints the version of this binary.

      $ ${CLI_NAME} version`,
  flagSets: [],
  async run(ctx) {
    ctx.ui.output(VERSION_STRING);
    return 0;
  },
};
