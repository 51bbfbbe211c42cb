import { CLI_NAME } from '../cli/branding.js';
import { argCountError, type Command } from '../cli/command.js';
import { ensureTrailingSlash } from '../kv/paths.js';
import { moveMount } from '../mounts/move.js';

function authPath(arg: string): string {
  const path = ensureTrailingSlash(arg);
  return path.startsWith('auth/') ? path : `auth/${path}`;
}

export const authMoveCommand: Command = {
  name: 'auth move',
  synopsis: 'Move an auth method to a new path',
  help: `
Usage: ${CLI_NAME} auth move [options] SOURCE DESTINATION

  Moves an existing auth method to a new path. Any leases from the old auth
  method are revoked, but all configuration associated with the method is
  preserved.

  Move the existing auth method at approle/ to generic/:

      $ ${CLI_NAME} auth move approle/ generic/`,
  flagSets: ['http'],
  async run(ctx) {
    const usage = argCountError(ctx, '2', 2, 2);
    if (usage !== undefined) return usage;
    return moveMount(ctx, 'auth method', authPath(ctx.args[0]!), authPath(ctx.args[1]!));
  },
};
