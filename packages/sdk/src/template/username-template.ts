import { createHash, randomInt, randomUUID } from 'node:crypto';
import { CofferError } from '../errors.js';

/**
 * Vault's `username_template`: a small subset of Go's text/template with
 * the functions Vault's sdk/helper/template offers (printf, truncate,
 * truncate_sha256, uppercase, lowercase, replace, random, unix_time,
 * unix_time_millis, timestamp, uuid, sha256, base64) and the fields
 * `.DisplayName` and `.RoleName`. Templates are parsed once, when they are
 * configured, so a bad template is refused with its reason at write time.
 */
export interface UsernameTemplateData {
  DisplayName: string;
  RoleName: string;
  [field: string]: string;
}

type Node =
  | { kind: 'text'; value: string }
  | { kind: 'action'; pipeline: Pipeline };
type Pipeline = Command[];
type Command = Operand[];
type Operand =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'field'; name: string }
  | { kind: 'ident'; name: string }
  | { kind: 'sub'; pipeline: Pipeline };

const RANDOM_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class UsernameTemplate {
  private constructor(private readonly nodes: Node[]) {}

  /** Parses `source`; throws an invalid_request CofferError saying what is wrong. */
  static parse(source: string): UsernameTemplate {
    const nodes: Node[] = [];
    let at = 0;
    while (at < source.length) {
      const open = source.indexOf('{{', at);
      if (open === -1) {
        nodes.push({ kind: 'text', value: source.slice(at) });
        break;
      }
      if (open > at) nodes.push({ kind: 'text', value: source.slice(at, open) });
      const close = source.indexOf('}}', open + 2);
      if (close === -1) throw templateError('unclosed action: "{{" without "}}"');
      let body = source.slice(open + 2, close);
      // Go's trim markers "{{- " and " -}}" only trim text; treat them as plain delimiters.
      body = body.replace(/^-\s/, ' ').replace(/\s-$/, ' ');
      nodes.push({ kind: 'action', pipeline: new Parser(tokenize(body)).pipelineToEnd() });
      at = close + 2;
    }
    return new UsernameTemplate(nodes);
  }

  render(data: UsernameTemplateData): string {
    let out = '';
    for (const node of this.nodes) out += node.kind === 'text' ? node.value : stringify(evalPipeline(node.pipeline, data));
    return out;
  }
}

function templateError(reason: string): CofferError {
  return new CofferError('invalid_request', `unable to parse username_template: ${reason}`);
}

type Token = { kind: 'string' | 'number' | 'field' | 'ident' | 'pipe' | 'lparen' | 'rparen'; text: string };

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '|') {
      tokens.push({ kind: 'pipe', text: c });
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'lparen', text: c });
      i++;
    } else if (c === ')') {
      tokens.push({ kind: 'rparen', text: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < body.length && body[j] !== '"') {
        if (body[j] === '\\' && j + 1 < body.length) {
          const esc = body[j + 1]!;
          value += esc === 'n' ? '\n' : esc === 't' ? '\t' : esc;
          j += 2;
        } else value += body[j++];
      }
      if (j >= body.length) throw templateError('unterminated string literal');
      tokens.push({ kind: 'string', text: value });
      i = j + 1;
    } else if (c === '`') {
      const end = body.indexOf('`', i + 1);
      if (end === -1) throw templateError('unterminated raw string literal');
      tokens.push({ kind: 'string', text: body.slice(i + 1, end) });
      i = end + 1;
    } else {
      const m = /^(\.[A-Za-z_][A-Za-z0-9_]*|-?[0-9]+|[A-Za-z_][A-Za-z0-9_]*)/.exec(body.slice(i));
      if (!m) throw templateError(`unexpected character ${JSON.stringify(c)}`);
      const text = m[1]!;
      tokens.push({ kind: text.startsWith('.') ? 'field' : /^-?[0-9]/.test(text) ? 'number' : 'ident', text });
      i += text.length;
    }
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  pipelineToEnd(): Pipeline {
    const pipeline = this.pipeline();
    if (this.at < this.tokens.length) throw templateError(`unexpected ${JSON.stringify(this.tokens[this.at]!.text)}`);
    return pipeline;
  }

  private pipeline(): Pipeline {
    const commands: Command[] = [this.command()];
    while (this.tokens[this.at]?.kind === 'pipe') {
      this.at++;
      commands.push(this.command());
    }
    return commands;
  }

  private command(): Command {
    const operands: Operand[] = [];
    for (;;) {
      const token = this.tokens[this.at];
      if (!token || token.kind === 'pipe' || token.kind === 'rparen') break;
      this.at++;
      if (token.kind === 'string') operands.push({ kind: 'string', value: token.text });
      else if (token.kind === 'number') operands.push({ kind: 'number', value: Number(token.text) });
      else if (token.kind === 'field') operands.push({ kind: 'field', name: token.text.slice(1) });
      else if (token.kind === 'ident') {
        if (!(token.text in FUNCTIONS)) throw templateError(`function "${token.text}" not defined`);
        operands.push({ kind: 'ident', name: token.text });
      } else {
        const pipeline = this.pipeline();
        if (this.tokens[this.at]?.kind !== 'rparen') throw templateError('unclosed "("');
        this.at++;
        operands.push({ kind: 'sub', pipeline });
      }
    }
    if (operands.length === 0) throw templateError('missing value for command');
    return operands;
  }
}

type Value = string | number;

function evalPipeline(pipeline: Pipeline, data: UsernameTemplateData): Value {
  let piped: Value | undefined;
  for (const command of pipeline) piped = evalCommand(command, data, piped);
  return piped!;
}

function evalCommand(command: Command, data: UsernameTemplateData, piped: Value | undefined): Value {
  const [head, ...rest] = command;
  if (head!.kind === 'ident') {
    const args = rest.map((op) => evalOperand(op, data));
    if (piped !== undefined) args.push(piped);
    return FUNCTIONS[head!.name]!(args);
  }
  if (rest.length > 0 || piped !== undefined) throw templateError('a value cannot take arguments');
  return evalOperand(head!, data);
}

function evalOperand(op: Operand, data: UsernameTemplateData): Value {
  switch (op.kind) {
    case 'string':
    case 'number':
      return op.value;
    case 'field': {
      const value = data[op.name];
      if (value === undefined) throw templateError(`unknown field .${op.name}`);
      return value;
    }
    case 'sub':
      return evalPipeline(op.pipeline, data);
    case 'ident':
      return FUNCTIONS[op.name]!([]);
  }
}

function stringify(v: Value): string {
  return typeof v === 'number' ? String(v) : v;
}

function intArg(args: Value[], i: number, fn: string): number {
  const v = args[i];
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 0) throw templateError(`${fn}: expected a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

function arity(fn: string, args: Value[], n: number): void {
  if (args.length !== n) throw templateError(`${fn}: wrong number of arguments: want ${n}, got ${args.length}`);
}

function printf(args: Value[]): string {
  const [format, ...values] = args;
  let next = 0;
  return stringify(format ?? '').replace(/%([%sdv])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const value = values[next++];
    if (value === undefined) return `%!${verb}(MISSING)`;
    return verb === 'd' ? String(Math.trunc(Number(value))) : stringify(value);
  });
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  printf,
  truncate: (args) => {
    arity('truncate', args, 2);
    return stringify(args[1]!).slice(0, intArg(args, 0, 'truncate'));
  },
  truncate_sha256: (args) => {
    arity('truncate_sha256', args, 2);
    const max = intArg(args, 0, 'truncate_sha256');
    const value = stringify(args[1]!);
    if (value.length <= max) return value;
    if (max <= 8) throw templateError('truncate_sha256: length must be greater than 8');
    return value.slice(0, max - 8) + createHash('sha256').update(value).digest('hex').slice(0, 8);
  },
  uppercase: (args) => (arity('uppercase', args, 1), stringify(args[0]!).toUpperCase()),
  lowercase: (args) => (arity('lowercase', args, 1), stringify(args[0]!).toLowerCase()),
  replace: (args) => {
    arity('replace', args, 3);
    return stringify(args[2]!).split(stringify(args[0]!)).join(stringify(args[1]!));
  },
  random: (args) => {
    arity('random', args, 1);
    const n = intArg(args, 0, 'random');
    let out = '';
    for (let i = 0; i < n; i++) out += RANDOM_CHARSET[randomInt(RANDOM_CHARSET.length)];
    return out;
  },
  unix_time: () => Math.floor(Date.now() / 1000),
  unix_time_millis: () => Date.now(),
  timestamp: (args) => {
    // Go layouts are not worth emulating in full: the common RFC 3339 shape, in UTC.
    arity('timestamp', args, 1);
    return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  },
  uuid: () => randomUUID(),
  sha256: (args) => (arity('sha256', args, 1), createHash('sha256').update(stringify(args[0]!)).digest('hex')),
  base64: (args) => (arity('base64', args, 1), Buffer.from(stringify(args[0]!)).toString('base64')),
};
