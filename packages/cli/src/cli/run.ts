// Entry point shared by the binary and the tests: finds the command named by
// the leading words, parses its flags, runs it and returns the exit code.
import { ClientConfigError, CurlStringCaptured } from '../api/errors.js';
import { OUTPUT_FORMATS } from '../format/output.js';
import { VERSION_STRING } from './branding.js';
import type { Command, CommandGroup } from './command.js';
import { Context } from './context.js';
import { flagsForSets } from './flag-sets.js';
import { FlagError, parseCommandLine } from './flags.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';
import { processIo, type Io } from './io.js';
import { DataArgError } from './kv-args.js';
import { PromptCancelled } from './prompt.js';
import { Ui } from './ui.js';

export interface Registry {
  commands: Command[];
  groups: CommandGroup[];
}

/** Exit code for an unknown command, as Vault's CLI framework uses. */
const EXIT_UNKNOWN_COMMAND = 127;
const MAX_COMMAND_DEPTH = 3;

export async function run(argv: string[], io: Io = processIo(), registry?: Registry): Promise<number> {
  const reg = registry ?? (await import('./registry.js')).defaultRegistry();
  const stdoutUi = new Ui(io, 'table');
  const entries = [...reg.commands, ...reg.groups];

  const first = argv[0];
  if (first === undefined) {
    stdoutUi.output(mainHelp(entries));
    return EXIT_UNKNOWN_COMMAND;
  }
  if (['-h', '-help', '--help'].includes(first)) {
    stdoutUi.output(mainHelp(entries));
    return 0;
  }
  if (['-v', '-version', '--version'].includes(first)) {
    stdoutUi.output(VERSION_STRING);
    return 0;
  }

  // The command is named by the leading words (before any flag).
  const words: string[] = [];
  for (const token of argv) {
    if (token.startsWith('-') || words.length >= MAX_COMMAND_DEPTH) break;
    words.push(token);
  }
  for (let n = words.length; n > 0; n--) {
    const name = words.slice(0, n).join(' ');
    const command = reg.commands.find((c) => c.name === name);
    if (command) return runCommand(command, argv.slice(n), io);
    const group = reg.groups.find((g) => g.name === name);
    if (group) {
      // "coffer kv" or "coffer kv bogus": show the group's help.
      const asked = argv.slice(n).some((a) => ['-h', '-help', '--help'].includes(a));
      stdoutUi.output(groupHelp(group, entries));
      return asked ? 0 : 1;
    }
  }
  stdoutUi.output(mainHelp(entries));
  return EXIT_UNKNOWN_COMMAND;
}

async function runCommand(command: Command, argv: string[], io: Io): Promise<number> {
  const specs = [...flagsForSets(command.flagSets), ...(command.flags ?? [])];
  const errorUi = new Ui(io, 'table');
  let parsed;
  try {
    parsed = parseCommandLine(argv, specs);
  } catch (err) {
    if (err instanceof FlagError) {
      errorUi.error(err.message);
      return 1;
    }
    throw err;
  }
  if (parsed.help) {
    errorUi.output(commandHelp(command));
    return 0;
  }

  let format = 'table';
  if (command.flagSets.includes('format')) {
    format = (parsed.flags.isSet('format') ? parsed.flags.string('format') : io.env.VAULT_FORMAT) || 'table';
    format = format.toLowerCase();
    if (!OUTPUT_FORMATS.includes(format)) {
      errorUi.error(`Invalid output format: ${format}`);
      return 1;
    }
  }
  const ui = new Ui(io, format);
  const curlMode = parsed.flags.bool('output-curl-string');
  if (curlMode) ui.holdErrors();
  const ctx = new Context(io, ui, parsed.flags, parsed.args);

  let code: number;
  try {
    code = await command.run(ctx);
  } catch (err) {
    code = reportError(ui, err);
  }
  if (curlMode) {
    const curl = ctx.capturedCurl;
    ui.releaseErrors(!curl);
    if (curl) {
      ui.output(curl);
      return 0;
    }
  }
  return code;
}

function reportError(ui: Ui, err: unknown): number {
  if (err instanceof CurlStringCaptured) return 0;
  if (err instanceof ClientConfigError) {
    ui.error(err.message);
    return 2;
  }
  if (err instanceof DataArgError) {
    ui.error(`Failed to parse K=V data: ${err.message}`);
    return 1;
  }
  if (err instanceof PromptCancelled) {
    ui.error('user canceled');
    return 1;
  }
  ui.error(`Error: ${(err as Error)?.message ?? String(err)}`);
  return 2;
}
