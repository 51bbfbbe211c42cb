import type { Query } from '../api/client.js';
import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { parseDataArgs } from '../cli/kv-args.js';
import { outputSecret, printRawField } from '../format/output.js';
import { sanitizePath } from '../kv/paths.js';

/** key=value arguments as query parameters (lists become repeated keys). */
export async function dataArgsAsQuery(ctx: Parameters<Command['run']>[0], args: string[]): Promise<Query | undefined> {
  if (args.length === 0) return undefined;
  const data = await parseDataArgs(ctx, args);
  const query: Query = {};
  for (const [k, v] of Object.entries(data)) query[k] = Array.isArray(v) ? v.map(String) : String(v);
  return query;
}

export const readCommand: Command = {
  name: 'read',
  synopsis: 'Read data and retrieves secrets',
  help: `
Usage: ${CLI_NAME} read [options] PATH [KEY=VALUE ...]

  Reads data from the server at the given path. This can be used to read
  secrets, generate dynamic credentials, get configuration details, and more.
  Extra KEY=VALUE arguments are sent as query parameters.

  Read a secret from the static secrets engine:

      $ ${CLI_NAME} read secret/my-secret

  Print only one field, with no trailing newline when piped:

      $ ${CLI_NAME} read -field=password secret/my-secret

  Print the raw response body:

      $ ${CLI_NAME} read -format=raw sys/health`,
  flagSets: ['http', 'field', 'format'],
  async run(ctx) {
    if (ctx.args.length < 1) {
      ctx.ui.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const client = ctx.client();
    const path = sanitizePath(ctx.args[0]!);
    const query = await dataArgsAsQuery(ctx, ctx.args.slice(1));

    if (ctx.format === 'raw') {
      try {
        const response = await client.request('GET', path, query ? { query } : {});
        ctx.ui.output(response.body);
        return 0;
      } catch (err) {
        return apiFailure(ctx, `Error reading data from ${path}`, err);
      }
    }

    let secret;
    try {
      secret = await client.read(path, query);
    } catch (err) {
      return apiFailure(ctx, `Error reading ${path}`, err);
    }
    if (!secret) {
      ctx.ui.error(`No value found at ${path}`);
      return 2;
    }
    if (ctx.field) return printRawField(ctx.ui, { secret }, ctx.field);
    return outputSecret(ctx.ui, secret);
  },
};
