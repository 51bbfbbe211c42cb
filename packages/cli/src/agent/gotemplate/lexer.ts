// The lexer of Go's text/template: text outside the delimiters, and inside
// them the tokens of actions. Trim markers ("{{- " and " -}}") remove the
// white space next to them; comments are {{/* … */}}.
import { parseError } from './errors.js';

export type TokenType =
  | 'text'
  | 'left'
  | 'right'
  | 'identifier'
  | 'keyword'
  | 'field'
  | 'variable'
  | 'dot'
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'space'
  | 'eof';

export interface Token {
  type: TokenType;
  value: string;
  line: number;
  col: number;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);

export interface Delimiters {
  left: string;
  right: string;
}

export function lex(name: string, input: string, delims: Delimiters = { left: '{{', right: '}}' }): Token[] {
  const tokens: Token[] = [];
  const { left, right } = delims;
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const advanceTo = (to: number): void => {
    for (let i = pos; i < to; i++) {
      if (input.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    pos = to;
  };
  const push = (type: TokenType, value: string, at: number, atLine: number, atLineStart: number): void => {
    tokens.push({ type, value, line: atLine, col: at - atLineStart + 1 });
  };
  const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

  while (pos < input.length) {
    const open = input.indexOf(left, pos);
    const textEnd = open === -1 ? input.length : open;
    let text = input.slice(pos, textEnd);
    // "{{- " trims the white space before the action.
    const trimLeft = open !== -1 && input[open + left.length] === '-' && isSpace(input[open + left.length + 1]);
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text.length > 0) push('text', text, pos, line, lineStart);
    advanceTo(textEnd);
    if (open === -1) break;

    // Inside an action.
    const actionLine = line;
    push('left', left, pos, line, lineStart);
    advanceTo(pos + left.length + (trimLeft ? 2 : 0));
    // Comments: {{/* … */}} with optional trim markers.
    if (input.startsWith('/*', pos)) {
      const close = input.indexOf('*/', pos + 2);
      if (close === -1) throw parseError(name, actionLine, 'unclosed comment');
      advanceTo(close + 2);
      const trimRight = input.startsWith(' -' + right, pos);
      if (!input.startsWith(right, pos) && !trimRight) throw parseError(name, actionLine, 'comment ends before closing delimiter');
      tokens.pop(); // comments produce nothing
      advanceTo(pos + (trimRight ? 2 : 0) + right.length);
      if (trimRight) {
        const m = /^[ \t\r\n]*/.exec(input.slice(pos))!;
        advanceTo(pos + m[0].length);
      }
      continue;
    }
    let parenDepth = 0;
    for (;;) {
      if (pos >= input.length) throw parseError(name, actionLine, 'unclosed action');
      const trimRight = isSpace(input[pos]) && input.startsWith('-' + right, pos + 1);
      if (trimRight || input.startsWith(right, pos)) {
        if (parenDepth > 0) throw parseError(name, line, 'unclosed left paren');
        if (trimRight) advanceTo(pos + 2);
        push('right', right, pos, line, lineStart);
        advanceTo(pos + right.length);
        if (trimRight) {
          const m = /^[ \t\r\n]*/.exec(input.slice(pos))!;
          advanceTo(pos + m[0].length);
        }
        break;
      }
      const c = input[pos]!;
      const start = pos;
      const startLine = line;
      const startLineStart = lineStart;
      const rest = input.slice(pos);
      let m: RegExpExecArray | null;
      if (isSpace(c)) {
        m = /^[ \t\r\n]+/.exec(rest)!;
        advanceTo(pos + m[0].length);
        push('space', ' ', start, startLine, startLineStart);
      } else if (c === '|') {
        push('pipe', c, start, line, lineStart);
        advanceTo(pos + 1);
      } else if (c === '(') {
        parenDepth++;
        push('leftParen', c, start, line, lineStart);
        advanceTo(pos + 1);
      } else if (c === ')') {
        parenDepth--;
        if (parenDepth < 0) throw parseError(name, line, `unexpected right paren`);
        push('rightParen', c, start, line, lineStart);
        advanceTo(pos + 1);
      } else if (c === ',') {
        push('comma', c, start, line, lineStart);
        advanceTo(pos + 1);
      } else if (rest.startsWith(':=')) {
        push('declare', ':=', start, line, lineStart);
        advanceTo(pos + 2);
      } else if (c === '=') {
        push('assign', '=', start, line, lineStart);
        advanceTo(pos + 1);
      } else if (c === '"') {
        m = /^"(?:[^"\\\n]|\\.)*"/.exec(rest);
        if (!m) throw parseError(name, line, 'unterminated quoted string');
        push('string', m[0], start, line, lineStart);
        advanceTo(pos + m[0].length);
      } else if (c === '`') {
        const close = input.indexOf('`', pos + 1);
        if (close === -1) throw parseError(name, line, 'unterminated raw quoted string');
        push('rawString', input.slice(pos, close + 1), start, line, lineStart);
        advanceTo(close + 1);
      } else if (c === "'") {
        m = /^'(?:[^'\\]|\\.[^']*)'/.exec(rest);
        if (!m) throw parseError(name, line, 'unterminated character constant');
        push('char', m[0], start, line, lineStart);
        advanceTo(pos + m[0].length);
      } else if (c === '$') {
        m = /^\$[A-Za-z0-9_]*/.exec(rest)!;
        push('variable', m[0], start, line, lineStart);
        advanceTo(pos + m[0].length);
      } else if (c === '.' && !/[0-9]/.test(input[pos + 1] ?? '')) {
        m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
        if (m) {
          push('field', m[0], start, line, lineStart);
          advanceTo(pos + m[0].length);
        } else {
          push('dot', '.', start, line, lineStart);
          advanceTo(pos + 1);
        }
      } else if ((m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+(?![.eE0-9])|(\d[\d_]*)?\.?\d[\d_]*([eE][+-]?\d+)?)/.exec(rest)) && m[0] !== '' && /\d/.test(m[0])) {
        push('number', m[0], start, line, lineStart);
        advanceTo(pos + m[0].length);
      } else if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
        const word = m[0];
        const type: TokenType = KEYWORDS.has(word) ? 'keyword' : word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'identifier';
        push(type, word, start, line, lineStart);
        advanceTo(pos + word.length);
      } else {
        throw parseError(name, line, `unexpected ${JSON.stringify(c)} in command`);
      }
    }
  }
  tokens.push({ type: 'eof', value: '', line, col: pos - lineStart + 1 });
  return tokens;
}
