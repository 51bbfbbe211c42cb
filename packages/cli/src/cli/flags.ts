// Flag parsing with Vault's (Go "flag" package) conventions: one or two
// dashes, "-name=value" or "-name value", booleans only as "-name" or
// "-name=false". Flags may also follow positional arguments (Vault only warns
// about that; we accept them). "--" ends flag parsing.
//
// Go-style tokens are first normalised to canonical "--name=value" tokens,
// which node:util's parseArgs then collects; positional arguments are kept
// aside in their original order.
import { parseArgs } from 'node:util';
import { parseDuration } from '../format/duration.js';
import { parseGoBool } from '../api/config.js';

/**
 * string/int/duration/bool: single value (last one wins);
 * slice: repeatable and comma-separated (Vault's StringSliceVar);
 * list: repeatable, values kept whole;
 * map: repeatable key=value pairs.
 */
export type FlagKind = 'string' | 'bool' | 'int' | 'duration' | 'slice' | 'list' | 'map';

export interface FlagSpec {
  name: string;
  kind: FlagKind;
  usage: string;
  aliases?: string[];
  /** Default shown in help and returned when the flag is not given. */
  default?: string | number | boolean;
}

export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

export class FlagValues {
  constructor(
    private readonly values: Map<string, string[]>,
    private readonly specs: Map<string, FlagSpec>,
  ) {}

  isSet(name: string): boolean {
    return (this.values.get(name)?.length ?? 0) > 0;
  }

  private last(name: string): string | undefined {
    const all = this.values.get(name);
    return all && all.length > 0 ? all[all.length - 1] : undefined;
  }

  string(name: string): string | undefined {
    const value = this.last(name);
    if (value !== undefined) return value;
    const def = this.specs.get(name)?.default;
    return def === undefined ? undefined : String(def);
  }

  bool(name: string): boolean {
    const value = this.last(name);
    if (value !== undefined) return parseGoBool(value) === true;
    return this.specs.get(name)?.default === true;
  }

  int(name: string): number | undefined {
    const value = this.last(name);
    if (value !== undefined) return Number.parseInt(value, 10);
    const def = this.specs.get(name)?.default;
    return typeof def === 'number' ? def : undefined;
  }

  /** Seconds, or undefined when not given. */
  duration(name: string): number | undefined {
    const value = this.last(name);
    return value === undefined ? undefined : parseDuration(value);
  }

  /** Every value given (comma-split for "slice" flags). */
  list(name: string): string[] {
    const all = this.values.get(name) ?? [];
    if (this.specs.get(name)?.kind !== 'slice') return [...all];
    return all.flatMap((v) => v.split(',').map((s) => s.trim())).filter((s) => s !== '');
  }

  map(name: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const pair of this.values.get(name) ?? []) {
      const eq = pair.indexOf('=');
      out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return out;
  }
}

export interface ParsedCommandLine {
  flags: FlagValues;
  args: string[];
  help: boolean;
}

const HELP_NAMES = new Set(['h', 'help']);

export function parseCommandLine(argv: string[], specs: FlagSpec[]): ParsedCommandLine {
  const byName = new Map<string, FlagSpec>();
  const canonical = new Map<string, FlagSpec>();
  for (const spec of specs) {
    canonical.set(spec.name, spec);
    byName.set(spec.name, spec);
    for (const alias of spec.aliases ?? []) byName.set(alias, spec);
  }

  const flagTokens: string[] = [];
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (token === '-' || !token.startsWith('-')) {
      positionals.push(token);
      continue;
    }
    const body = token.startsWith('--') ? token.slice(2) : token.slice(1);
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (HELP_NAMES.has(name) && !byName.has(name)) {
      help = true;
      continue;
    }
    const spec = byName.get(name);
    if (!spec) {
      // Before any positional argument an unknown flag is a mistake (as in
      // Go); after one it is just an argument that happens to start with "-".
      if (positionals.length === 0) throw new FlagError(`flag provided but not defined: -${name}`);
      positionals.push(token);
      continue;
    }
    let value: string;
    if (spec.kind === 'bool') {
      value = eq >= 0 ? body.slice(eq + 1) : 'true';
      if (parseGoBool(value) === undefined) {
        throw new FlagError(`invalid boolean value ${JSON.stringify(value)} for -${name}: parse error`);
      }
    } else if (eq >= 0) {
      value = body.slice(eq + 1);
    } else if (i + 1 < argv.length) {
      value = argv[++i]!;
    } else {
      throw new FlagError(`flag needs an argument: -${name}`);
    }
    validate(spec, name, value);
    flagTokens.push(`--${spec.name}=${value}`);
  }

  const { values } = parseArgs({
    args: flagTokens,
    options: Object.fromEntries([...canonical.keys()].map((n) => [n, { type: 'string' as const, multiple: true }])),
    strict: true,
    allowPositionals: false,
  });
  const collected = new Map<string, string[]>();
  for (const [name, v] of Object.entries(values)) {
    if (Array.isArray(v)) collected.set(name, v.map(String));
  }
  return { flags: new FlagValues(collected, canonical), args: positionals, help };
}

function validate(spec: FlagSpec, name: string, value: string): void {
  const invalid = (why: string): FlagError =>
    new FlagError(`invalid value ${JSON.stringify(value)} for flag -${name}: ${why}`);
  switch (spec.kind) {
    case 'int':
      if (!/^[-+]?\d+$/.test(value.trim())) throw invalid('parse error');
      break;
    case 'duration':
      try {
        parseDuration(value);
      } catch (err) {
        throw invalid((err as Error).message);
      }
      break;
    case 'map':
      if (!value.includes('=')) throw invalid(`missing = in KV pair: ${JSON.stringify(value)}`);
      break;
    default:
      break;
  }
}
