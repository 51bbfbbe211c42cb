// Runs a parsed template against data, asynchronously (functions such as
// `secret` reach the server). Semantics follow Go's text/template: variables
// scoped to their control structure, `$` the data, pipelines passing the
// previous result as the last argument, missingkey=default or =error.
import type { Arg, Command, ListNode, Node, Pipeline } from './ast.js';
import { BUILTINS, LAZY_BUILTINS, type TemplateFunction } from './builtins.js';
import { execError, TemplateError, type Position } from './errors.js';
import type { ParsedTemplates } from './parser.js';
import { isTrue, printValue, typeName } from './values.js';

export interface ExecOptions {
  /** missingkey=error: a missing map key is an error instead of "<no value>". */
  missingKeyError: boolean;
  functions: Record<string, TemplateFunction>;
}

class BreakSignal {}
class ContinueSignal {}
/** An error from a function or the data, before the position is added. */
class PlainError extends Error {}

const MAX_DEPTH = 10_000;

interface Variable {
  name: string;
  value: unknown;
}

export async function executeTemplate(name: string, parsed: ParsedTemplates, data: unknown, options: ExecOptions): Promise<string> {
  const root = parsed.trees.get(name);
  if (!root) throw new TemplateError(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(name)}`);
  const state = new State(name, parsed, options);
  const out: string[] = [];
  await state.walkList(root, data, [{ name: '$', value: data }], out, 0);
  return out.join('');
}

class State {
  private readonly functions: Record<string, TemplateFunction>;

  constructor(
    private readonly name: string,
    private readonly parsed: ParsedTemplates,
    private readonly options: ExecOptions,
  ) {
    this.functions = { ...BUILTINS, ...options.functions };
  }

  private fail(pos: Position, context: string, err: unknown): never {
    if (err instanceof TemplateError || err instanceof BreakSignal || err instanceof ContinueSignal) throw err;
    throw execError(this.name, pos, context, err instanceof Error ? err.message : String(err));
  }

  async walkList(list: ListNode, dot: unknown, vars: Variable[], out: string[], depth: number): Promise<void> {
    for (const node of list.nodes) await this.walk(node, dot, vars, out, depth);
  }

  private async walk(node: Node, dot: unknown, vars: Variable[], out: string[], depth: number): Promise<void> {
    switch (node.kind) {
      case 'text':
        out.push(node.text);
        return;
      case 'action': {
        const value = await this.evalPipeline(node.pipe, dot, vars);
        // A declaration prints nothing.
        if (node.pipe.decl.length === 0) out.push(printValue(value));
        return;
      }
      case 'if':
      case 'with': {
        const mark = vars.length;
        const value = await this.evalPipeline(node.pipe, dot, vars);
        if (isTrue(value)) await this.walkList(node.list, node.kind === 'with' ? value : dot, vars, out, depth);
        else if (node.elseList) await this.walkList(node.elseList, dot, vars, out, depth);
        vars.length = mark;
        return;
      }
      case 'range':
        return this.walkRange(node, dot, vars, out, depth);
      case 'template': {
        const tree = this.parsed.trees.get(node.name);
        if (!tree) this.fail(node.pos, `template ${node.name}`, new PlainError(`no such template ${JSON.stringify(node.name)}`));
        if (depth >= MAX_DEPTH) this.fail(node.pos, `template ${node.name}`, new PlainError(`exceeded maximum template depth (${MAX_DEPTH})`));
        const value = node.pipe ? await this.evalPipeline(node.pipe, dot, vars) : undefined;
        await this.walkList(tree!, value, [{ name: '$', value }], out, depth + 1);
        return;
      }
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private async walkRange(node: Extract<Node, { kind: 'range' }>, dot: unknown, vars: Variable[], out: string[], depth: number): Promise<void> {
    const mark = vars.length;
    const value = await this.evalPipeline({ ...node.pipe, decl: [] }, dot, vars);
    let items: Array<[unknown, unknown]>;
    if (value === undefined || value === null) items = [];
    else if (Array.isArray(value)) items = value.map((v, i) => [i, v]);
    else if (typeof value === 'number' && Number.isInteger(value)) items = Array.from({ length: Math.max(0, value) }, (_, i) => [i, i]);
    else if (typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      items = Object.keys(obj)
        .sort()
        .map((k) => [k, obj[k]]);
    } else this.fail(node.pos, node.pipe.text, new PlainError(`range can't iterate over ${printValue(value)}`));
    if (items.length === 0) {
      if (node.elseList) await this.walkList(node.elseList, dot, vars, out, depth);
      vars.length = mark;
      return;
    }
    for (const [key, item] of items) {
      const inner = vars.length;
      const [first, second] = node.pipe.decl;
      if (second !== undefined) {
        vars.push({ name: first!, value: key }, { name: second, value: item });
      } else if (first !== undefined) {
        vars.push({ name: first, value: item });
      }
      try {
        await this.walkList(node.list, item, vars, out, depth);
      } catch (err) {
        if (err instanceof BreakSignal) {
          vars.length = inner;
          break;
        }
        if (!(err instanceof ContinueSignal)) throw err;
      }
      vars.length = inner;
    }
    vars.length = mark;
  }

  private async evalPipeline(pipe: Pipeline, dot: unknown, vars: Variable[]): Promise<unknown> {
    let value: unknown = undefined;
    let first = true;
    for (const cmd of pipe.cmds) {
      value = await this.evalCommand(cmd, dot, vars, first ? undefined : { value });
      first = false;
    }
    for (const name of pipe.decl) {
      if (pipe.isAssign) {
        const v = findVariable(vars, name);
        if (!v) this.fail(pipe.pos, pipe.text, new PlainError(`undefined variable: ${name}`));
        v!.value = value;
      } else {
        vars.push({ name, value });
      }
    }
    return value;
  }

  private async evalCommand(cmd: Command, dot: unknown, vars: Variable[], piped: { value: unknown } | undefined): Promise<unknown> {
    const [head, ...rest] = cmd.args;
    try {
      if (head!.kind === 'function') {
        const fnName = head!.name;
        if (LAZY_BUILTINS.has(fnName)) return await this.evalAndOr(fnName, rest, dot, vars, piped);
        const args: unknown[] = [];
        for (const arg of rest) args.push(await this.evalArg(arg, dot, vars));
        if (piped) args.push(piped.value);
        const fn = this.functions[fnName]!;
        try {
          return await fn(...args);
        } catch (err) {
          if (err instanceof TemplateError) throw err;
          throw new PlainError(`error calling ${fnName}: ${(err as Error).message}`);
        }
      }
      if (head!.kind === 'nil') throw new PlainError('nil is not a command');
      if (rest.length > 0 || piped) {
        // Only a function (or method) takes arguments.
        throw new PlainError(`can't give argument to non-function ${cmd.text.split(/\s/)[0]}`);
      }
      return await this.evalArg(head!, dot, vars);
    } catch (err) {
      return this.fail(cmd.pos, cmd.text, err);
    }
  }

  private async evalAndOr(name: string, args: Arg[], dot: unknown, vars: Variable[], piped: { value: unknown } | undefined): Promise<unknown> {
    const thunks: Array<() => Promise<unknown>> = args.map((a) => () => this.evalArg(a, dot, vars));
    if (piped) thunks.push(async () => piped.value);
    if (thunks.length === 0) throw new PlainError(`wrong number of args for ${name}: want at least 1 got 0`);
    let value: unknown;
    for (const thunk of thunks) {
      value = await thunk();
      if (name === 'and' ? !isTrue(value) : isTrue(value)) return value;
    }
    return value;
  }

  private async evalArg(arg: Arg, dot: unknown, vars: Variable[]): Promise<unknown> {
    switch (arg.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'bool':
      case 'number':
      case 'string':
        return arg.value;
      case 'field':
        return this.fieldPath(dot, arg.path);
      case 'variable': {
        const v = findVariable(vars, arg.name);
        if (!v) throw new PlainError(`undefined variable: ${arg.name}`);
        return this.fieldPath(v.value, arg.path);
      }
      case 'pipe':
        return this.fieldPath(await this.evalPipeline(arg.pipe, dot, vars), arg.path);
      case 'function': {
        // A function used as an argument is called with no arguments.
        return this.functions[arg.name]!();
      }
    }
  }

  private fieldPath(receiver: unknown, path: string[]): unknown {
    let current = receiver;
    for (const field of path) {
      if (current === undefined) {
        if (this.options.missingKeyError) throw new PlainError(`nil data; no entry for key ${JSON.stringify(field)}`);
        return undefined;
      }
      if (current === null) throw new PlainError(`nil pointer evaluating interface {}.${field}`);
      if (typeof current !== 'object' || Array.isArray(current)) {
        throw new PlainError(`can't evaluate field ${field} in type ${typeName(current)}`);
      }
      const obj = current as Record<string, unknown>;
      if (Object.hasOwn(obj, field)) {
        current = obj[field];
      } else if (this.options.missingKeyError) {
        throw new PlainError(`map has no entry for key ${JSON.stringify(field)}`);
      } else {
        current = null;
      }
    }
    return current;
  }
}

function findVariable(vars: Variable[], name: string): Variable | undefined {
  for (let i = vars.length - 1; i >= 0; i--) if (vars[i]!.name === name) return vars[i];
  return undefined;
}
