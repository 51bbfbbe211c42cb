import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLI_NAME } from '../cli/branding.js';
import { argCountError, type Command } from '../cli/command.js';
import { formatHcl, HclFormatError } from '../format/hcl-fmt.js';

export const policyFmtCommand: Command = {
  name: 'policy fmt',
  synopsis: 'Formats a policy on disk',
  help: `
Usage: ${CLI_NAME} policy fmt [options] PATH

  Formats a local policy file to the policy specification. This command will
  overwrite the file at the given PATH with the properly-formatted policy
  file contents: two-space indentation, aligned "=" signs, single spacing.

      $ ${CLI_NAME} policy fmt my-policy.hcl`,
  flagSets: [],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const path = ctx.args[0]!.trim();
    const file = resolve(ctx.io.cwd, path);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (err) {
      ctx.ui.error(`Error opening policy file: ${(err as Error).message}`);
      return 2;
    }
    let formatted: string;
    try {
      formatted = formatHcl(source);
    } catch (err) {
      if (err instanceof HclFormatError) {
        ctx.ui.error(`Failed to parse policy: ${err.message}`);
        return 1;
      }
      throw err;
    }
    try {
      writeFileSync(file, formatted);
    } catch (err) {
      ctx.ui.error(`Error writing result: ${(err as Error).message}`);
      return 1;
    }
    ctx.ui.output(`Success! Formatted policy: ${path}`);
    return 0;
  },
};
