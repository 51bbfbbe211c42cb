import { CLI_NAME } from '../cli/branding.js';
import { argCountError, type Command } from '../cli/command.js';
import { ensureTrailingSlash } from '../kv/paths.js';
import { moveMount } from '../mounts/move.js';

export const secretsMoveCommand: Command = {
  name: 'secrets move',
  synopsis: 'Move a secrets engine to a new path',
  help: `
Usage: ${CLI_NAME} secrets move [options] SOURCE DESTINATION

  Moves an existing secrets engine to a new path. Any leases from the old
  secrets engine are revoked, but all configuration associated with the engine
  is preserved.

  Move the existing secrets engine at secret/ to generic/:

      $ ${CLI_NAME} secrets move secret/ generic/`,
  flagSets: ['http'],
  async run(ctx) {
    const usage = argCountError(ctx, '2', 2, 2);
    if (usage !== undefined) return usage;
    return moveMount(ctx, 'secrets engine', ensureTrailingSlash(ctx.args[0]!), ensureTrailingSlash(ctx.args[1]!));
  },
};
