// The parser of Go's text/template: actions, if/else, range (with break and
// continue), with, define, template, block, variables and pipelines.
// Functions are checked at parse time, as in Go: an unknown one is an error
// that names the template and line before anything runs.
import type { Arg, Command, ListNode, Node, Pipeline } from './ast.js';
import { parseError, type Position } from './errors.js';
import { lex, type Delimiters, type Token } from './lexer.js';

export interface ParsedTemplates {
  /** The main template and every {{define}}d one, by name. */
  trees: Map<string, ListNode>;
}

export function parseTemplate(name: string, text: string, functions: ReadonlySet<string>, delims?: Delimiters): ParsedTemplates {
  const parser = new Parser(name, lex(name, text, delims), functions);
  const root = parser.parseRoot();
  parser.trees.set(name, root);
  return { trees: parser.trees };
}

type Terminator = 'end' | 'else' | 'eof';

class Parser {
  readonly trees = new Map<string, ListNode>();
  private i = 0;
  private rangeDepth = 0;

  constructor(
    private readonly name: string,
    private readonly tokens: Token[],
    private readonly functions: ReadonlySet<string>,
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private skipSpace(): void {
    while (this.peek().type === 'space') this.i++;
  }

  /** The next non-space token, consumed. */
  private nextNonSpace(): Token {
    this.skipSpace();
    return this.next();
  }

  private peekNonSpace(): Token {
    this.skipSpace();
    return this.peek();
  }

  fail(token: Token, message: string): never {
    throw parseError(this.name, token.line, message);
  }

  private expectRight(context: string): void {
    const t = this.nextNonSpace();
    if (t.type !== 'right') this.fail(t, `unexpected ${describe(t)} in ${context}`);
  }

  parseRoot(): ListNode {
    const { list, end } = this.parseList();
    if (end.kind !== 'eof') this.fail(end.token, `unexpected {{${end.kind}}}`);
    return list;
  }

  /** Nodes until {{end}}, {{else…}} or the end of input. */
  private parseList(): { list: ListNode; end: { kind: Terminator; token: Token } } {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.next();
      if (t.type === 'eof') return { list: { nodes }, end: { kind: 'eof', token: t } };
      if (t.type === 'text') {
        nodes.push({ kind: 'text', text: t.value });
        continue;
      }
      if (t.type !== 'left') this.fail(t, `unexpected ${describe(t)}`);
      const head = this.peekNonSpace();
      if (head.type === 'keyword') {
        this.next();
        switch (head.value) {
          case 'end':
            this.expectRight('end');
            return { list: { nodes }, end: { kind: 'end', token: head } };
          case 'else':
            // "else" alone ends here; "else if" / "else with" are read by the caller.
            return { list: { nodes }, end: { kind: 'else', token: head } };
          case 'if':
          case 'with':
            nodes.push(this.parseIfLike(head.value, head));
            continue;
          case 'range':
            nodes.push(this.parseRange(head));
            continue;
          case 'define':
            this.parseDefine(head);
            continue;
          case 'template':
            nodes.push(this.parseTemplateCall(head, false));
            continue;
          case 'block':
            nodes.push(this.parseTemplateCall(head, true));
            continue;
          case 'break':
          case 'continue':
            if (this.rangeDepth === 0) this.fail(head, `{{${head.value}}} outside {{range}}`);
            this.expectRight(head.value);
            nodes.push({ kind: head.value, pos: pos(head) });
            continue;
        }
      }
      const pipe = this.parsePipeline('command', true);
      nodes.push({ kind: 'action', pos: pipe.pos, pipe });
    }
  }

  /** {{if p}} … [{{else if p}} … | {{else}} …] {{end}}; the same for with. */
  private parseIfLike(kind: 'if' | 'with', head: Token): Node {
    const pipe = this.parsePipeline(kind, true);
    const { list, end } = this.parseList();
    if (end.kind === 'eof') this.fail(end.token, `unexpected EOF in {{${kind}}}`);
    let elseList: ListNode | undefined;
    if (end.kind === 'else') {
      const after = this.peekNonSpace();
      if (after.type === 'keyword' && after.value === kind) {
        // {{else if …}}: an if nested in the else branch that shares our {{end}}.
        this.next();
        elseList = { nodes: [this.parseIfLike(kind, after)] };
      } else {
        this.expectRight('else');
        const rest = this.parseList();
        if (rest.end.kind !== 'end') this.fail(rest.end.token, `expected end; found ${rest.end.kind === 'eof' ? 'EOF' : '{{else}}'}`);
        elseList = rest.list;
      }
    }
    const node = { kind, pos: pos(head), pipe, list, ...(elseList ? { elseList } : {}) };
    return node as Node;
  }

  private parseRange(head: Token): Node {
    const pipe = this.parsePipeline('range', true);
    this.rangeDepth++;
    const { list, end } = this.parseList();
    this.rangeDepth--;
    if (end.kind === 'eof') this.fail(end.token, 'unexpected EOF in {{range}}');
    let elseList: ListNode | undefined;
    if (end.kind === 'else') {
      this.expectRight('else');
      const rest = this.parseList();
      if (rest.end.kind !== 'end') this.fail(rest.end.token, 'expected end in {{range}} else');
      elseList = rest.list;
    }
    return { kind: 'range', pos: pos(head), pipe, list, ...(elseList ? { elseList } : {}) };
  }

  private templateName(context: string): string {
    const t = this.nextNonSpace();
    if (t.type !== 'string' && t.type !== 'rawString') this.fail(t, `unexpected ${describe(t)} in ${context} clause`);
    return unquote(t, this);
  }

  private parseDefine(head: Token): void {
    const name = this.templateName('define');
    this.expectRight('define clause');
    const { list, end } = this.parseList();
    if (end.kind !== 'end') this.fail(head, `unexpected ${end.kind === 'eof' ? 'EOF' : '{{else}}'} in {{define}}`);
    this.trees.set(name, list);
  }

  private parseTemplateCall(head: Token, isBlock: boolean): Node {
    const name = this.templateName(isBlock ? 'block' : 'template');
    let pipe: Pipeline | undefined;
    if (this.peekNonSpace().type !== 'right') pipe = this.parsePipeline(isBlock ? 'block' : 'template', false);
    else this.next();
    if (isBlock) {
      const { list, end } = this.parseList();
      if (end.kind !== 'end') this.fail(head, 'unexpected EOF in {{block}}');
      this.trees.set(name, list);
    }
    return { kind: 'template', pos: pos(head), name, ...(pipe ? { pipe } : {}) };
  }

  /** A pipeline up to the closing delimiter (consumed); declarations allowed when asked. */
  private parsePipeline(context: string, allowDecl: boolean): Pipeline {
    const first = this.peekNonSpace();
    const startIndex = this.i;
    const decl: string[] = [];
    let isAssign = false;
    if (allowDecl && first.type === 'variable') {
      // Look ahead for "$x :=", "$x =", or "$i, $e :=".
      const save = this.i;
      const names: string[] = [this.next().value];
      let t = this.peekNonSpace();
      if (t.type === 'comma' && context === 'range') {
        this.next();
        const second = this.nextNonSpace();
        if (second.type !== 'variable') this.fail(second, 'range can only initialize variables');
        names.push(second.value);
        t = this.peekNonSpace();
      }
      if (t.type === 'declare' || t.type === 'assign') {
        this.next();
        decl.push(...names);
        isAssign = t.type === 'assign';
      } else {
        this.i = save;
      }
    }
    const cmds: Command[] = [];
    for (;;) {
      cmds.push(this.parseCommand(context));
      const t = this.nextNonSpace();
      if (t.type === 'pipe') continue;
      if (t.type === 'right' || t.type === 'rightParen') {
        if (t.type === 'rightParen') this.i--; // the caller consumes it
        break;
      }
      this.fail(t, `unexpected ${describe(t)} in ${context}`);
    }
    const text = this.tokens
      .slice(startIndex, this.i)
      .filter((t) => t.type !== 'right')
      .map((t) => t.value)
      .join('')
      .trim();
    return { pos: pos(first), decl, isAssign, cmds, text };
  }

  private parseCommand(context: string): Command {
    const args: Arg[] = [];
    const start = this.peekNonSpace();
    const startIndex = this.i;
    for (;;) {
      const t = this.peekNonSpace();
      if (t.type === 'right' || t.type === 'pipe' || t.type === 'rightParen' || t.type === 'eof') break;
      args.push(this.parseOperand());
      // Operands are separated by spaces.
      const after = this.peek();
      if (after.type !== 'space' && after.type !== 'right' && after.type !== 'pipe' && after.type !== 'rightParen') {
        this.fail(after, `unexpected ${describe(after)} in operand`);
      }
    }
    if (args.length === 0) this.fail(start, `missing value for ${context}`);
    const text = this.tokens.slice(startIndex, this.i).map((t) => t.value).join('').trim();
    return { pos: pos(start), args, text };
  }

  private fieldChain(): string[] {
    const path: string[] = [];
    while (this.peek().type === 'field') path.push(this.next().value.slice(1));
    return path;
  }

  private parseOperand(): Arg {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'dot':
        return { kind: 'dot' };
      case 'nil':
        return { kind: 'nil' };
      case 'bool':
        return { kind: 'bool', value: t.value === 'true' };
      case 'number':
        return { kind: 'number', value: parseNumber(t, this), text: t.value };
      case 'string':
      case 'rawString':
        return { kind: 'string', value: unquote(t, this) };
      case 'char': {
        const s = JSON.parse(`"${t.value.slice(1, -1).replace(/"/g, '\\"')}"`) as string;
        return { kind: 'number', value: s.codePointAt(0) ?? 0, text: t.value };
      }
      case 'field':
        return { kind: 'field', path: [t.value.slice(1), ...this.fieldChain()] };
      case 'variable':
        return { kind: 'variable', name: t.value, path: this.fieldChain() };
      case 'identifier':
        if (!this.functions.has(t.value)) this.fail(t, `function "${t.value}" not defined`);
        return { kind: 'function', name: t.value };
      case 'leftParen': {
        const pipe = this.parsePipeline('parenthesized pipeline', false);
        const close = this.next();
        if (close.type !== 'rightParen') this.fail(close, 'unclosed left paren');
        return { kind: 'pipe', pipe, path: this.fieldChain() };
      }
      default:
        return this.fail(t, `unexpected ${describe(t)} in operand`);
    }
  }
}

function pos(t: Token): Position {
  return { line: t.line, col: t.col };
}

function describe(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'right') return `"${t.value}"`;
  return `<${t.value}>`;
}

function unquote(t: Token, parser: Parser): string {
  if (t.type === 'rawString') return t.value.slice(1, -1);
  try {
    return JSON.parse(t.value.replace(/\\'/g, "'").replace(/\\([abfv])/g, (_, c: string) => `\\u000${({ a: '7', b: '8', f: 'c', v: 'b' } as Record<string, string>)[c]}`)) as string;
  } catch {
    return parser.fail(t, `invalid syntax: ${t.value}`);
  }
}

function parseNumber(t: Token, parser: Parser): number {
  const text = t.value.replace(/_/g, '');
  let value: number;
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '');
  if (/^0[xX]/.test(body)) value = Number.parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) value = Number.parseInt(body.slice(2), 8);
  else if (/^0[0-7]+$/.test(body)) value = Number.parseInt(body, 8);
  else value = Number(body);
  if (Number.isNaN(value)) return parser.fail(t, `illegal number syntax: "${t.value}"`);
  return sign * value;
}
