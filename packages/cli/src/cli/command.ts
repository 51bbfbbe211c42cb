// What a command is: its name, help, flags and a run function that returns
// the exit code (0 ok, 1 usage or local error, 2 error from the server).
import type { FlagSetName } from './flag-sets.js';
import type { FlagSpec } from './flags.js';
import type { Context } from './context.js';

export interface Command {
  /** Words after the program name, e.g. "kv get". */
  name: string;
  /** One line for command lists. */
  synopsis: string;
  /** Help text from "Usage:" through the description (flag list is appended). */
  help: string;
  /** Shared flag groups the command accepts. */
  flagSets: FlagSetName[];
  /** The command's own flags. */
  flags?: FlagSpec[];
  run(ctx: Context): Promise<number>;
}

/** A command that only groups subcommands ("kv", "token", "operator", ...). */
export interface CommandGroup {
  name: string;
  synopsis: string;
  help: string;
}

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_API = 2;

/** Vault's argument-count messages. */
export function argCountError(ctx: Context, expected: string, min: number, max: number): number | undefined {
  const got = ctx.args.length;
  if (got < min) {
    ctx.ui.error(`Not enough arguments (expected ${expected}, got ${got})`);
    return EXIT_USAGE;
  }
  if (got > max) {
    ctx.ui.error(`Too many arguments (expected ${expected}, got ${got})`);
    return EXIT_USAGE;
  }
  return undefined;
}

/** Prints "<what>: <error>" and returns the API-error exit code. */
export function apiFailure(ctx: Context, what: string, err: unknown): number {
  ctx.ui.error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT_API;
}
