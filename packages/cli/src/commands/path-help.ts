import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { argCountError, type Command } from '../cli/command.js';
import { outputData } from '../format/output.js';
import { sanitizePath } from '../kv/paths.js';

export const pathHelpCommand: Command = {
  name: 'path-help',
  synopsis: 'Retrieve API help for paths',
  help: `
Usage: ${CLI_NAME} path-help [options] PATH

  Retrieves API help for paths. All endpoints have built-in help in the form
  of markdown, describing what the path does and which parameters it takes.

  Each secrets engine produces different help output:

      $ ${CLI_NAME} path-help secret/
      $ ${CLI_NAME} path-help auth/token/create`,
  flagSets: ['http', 'format'],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const path = sanitizePath(ctx.args[0]!);
    let help: Record<string, unknown>;
    try {
      help = (await ctx.client().secret('GET', path, { query: { help: '1' } })) ?? {};
    } catch (err) {
      const message = (err as Error).message;
      if (/is sealed/.test(message)) {
        ctx.ui.error(
          `Error: ${PRODUCT_NAME} is sealed.\n\nThe "path-help" command requires the server to be unsealed so that the mount\npoints of the secret engines are known.`,
        );
      } else {
        ctx.ui.error(`Error retrieving help: ${message}`);
      }
      return 2;
    }
    if (ctx.format === 'table') {
      ctx.ui.output(String(help.help ?? ''));
      return 0;
    }
    return outputData(ctx.ui, help);
  },
};
