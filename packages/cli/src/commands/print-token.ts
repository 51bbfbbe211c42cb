import { CLI_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';

export const printTokenCommand: Command = {
  name: 'print token',
  synopsis: 'Prints the token currently in use',
  help: `
Usage: ${CLI_NAME} print token

  Prints the value of the token the CLI would send: VAULT_TOKEN if set,
  otherwise the token stored by "${CLI_NAME} login" (~/.vault-token).`,
  flagSets: [],
  async run(ctx) {
    const token = ctx.io.env.VAULT_TOKEN || ctx.tokenHelper().get();
    ctx.ui.output(token);
    return 0;
  },
};
