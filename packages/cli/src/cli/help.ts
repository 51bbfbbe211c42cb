// Help text: per command (usage, description, then its flags grouped as in
// Vault), per command group (subcommand list), and the top-level list.
import { CLI_NAME } from './branding.js';
import type { Command, CommandGroup } from './command.js';
import { FIELD_FLAG, FORMAT_FLAG, HTTP_FLAGS } from './flag-sets.js';
import type { FlagSpec } from './flags.js';
import { wrapAtLength } from '../format/text-wrap.js';

function flagLine(spec: FlagSpec): string {
  const hint: Record<string, string> = {
    string: '=<string>',
    int: '=<int>',
    duration: '=<duration>',
    slice: '=<string>',
    list: '=<string>',
    map: '=<key=value>',
    bool: '',
  };
  const names = [spec.name, ...(spec.aliases ?? [])].map((n) => `-${n}${hint[spec.kind]}`).join(', ');
  let usage = spec.usage;
  if (spec.default !== undefined && spec.default !== '' && !/The default is/.test(usage)) {
    usage += ` The default is ${String(spec.default)}.`;
  }
  return `  ${names}\n${wrapAtLength(usage, 6)}`;
}

function section(title: string, specs: FlagSpec[]): string {
  return `${title}:\n\n${specs.map(flagLine).join('\n\n')}`;
}

export function commandHelp(command: Command): string {
  // The command's own flags first: they are what a reader is looking for.
  const parts = [command.help.trim()];
  if (command.flags && command.flags.length > 0) parts.push(section('Command Options', command.flags));
  const output: FlagSpec[] = [];
  if (command.flagSets.includes('field')) output.push(FIELD_FLAG);
  if (command.flagSets.includes('format')) output.push(FORMAT_FLAG);
  if (output.length > 0) parts.push(section('Output Options', output));
  if (command.flagSets.includes('http')) parts.push(section('HTTP Options', HTTP_FLAGS));
  return parts.join('\n\n');
}

function list(entries: Array<{ name: string; synopsis: string }>): string {
  const width = Math.max(0, ...entries.map((e) => e.name.length));
  return entries.map((e) => `    ${e.name.padEnd(width)}    ${e.synopsis}`).join('\n');
}

/** Help for a group: its text plus the direct subcommands. */
export function groupHelp(group: CommandGroup, children: Array<{ name: string; synopsis: string }>): string {
  const prefix = group.name + ' ';
  const direct = children
    .filter((c) => c.name.startsWith(prefix) && !c.name.slice(prefix.length).includes(' '))
    .map((c) => ({ name: c.name.slice(prefix.length), synopsis: c.synopsis }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return `${group.help.trim()}\n\nSubcommands:\n${list(direct)}`;
}

const COMMON = ['read', 'write', 'delete', 'list', 'login', 'server', 'status', 'unwrap'];

/** The top-level command list. */
export function mainHelp(entries: Array<{ name: string; synopsis: string }>): string {
  const topLevel = entries.filter((e) => !e.name.includes(' '));
  const common = COMMON.map((n) => topLevel.find((e) => e.name === n)).filter((e): e is { name: string; synopsis: string } => !!e);
  const other = topLevel.filter((e) => !COMMON.includes(e.name)).sort((a, b) => a.name.localeCompare(b.name));
  return `Usage: ${CLI_NAME} <command> [args]\n\nCommon commands:\n${list(common)}\n\nOther commands:\n${list(other)}`;
}
