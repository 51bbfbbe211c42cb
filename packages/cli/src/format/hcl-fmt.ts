// A small canonical formatter for HCL policy files ("policy fmt"): two-space
// indentation by nesting depth, single spaces between tokens, " = " around
// assignments with the "=" of neighbouring attributes aligned, at most one
// blank line in a row, one trailing newline. Strings, comments and heredocs
// are kept exactly as written.

export class HclFormatError extends Error {}

interface Line {
  /** Normalised code (may be "" for comment-only or blank lines). */
  code: string;
  /** Comment text kept verbatim (with its marker), or "". */
  comment: string;
  /** Verbatim lines (heredoc bodies, block comments) that must not be touched. */
  verbatim?: boolean;
  depthBefore: number;
  /** Leading closers on this line (dedent it). */
  leadingClosers: number;
  blank: boolean;
}

const OPENERS = '{[(';
const CLOSERS = '}])';

export function formatHcl(source: string): string {
  const rawLines = source.replace(/\r\n/g, '\n').split('\n');
  const lines: Line[] = [];
  let depth = 0;
  let heredoc: { marker: string; indented: boolean } | undefined;
  let inBlockComment = false;

  for (const raw of rawLines) {
    if (heredoc) {
      lines.push({ code: raw, comment: '', verbatim: true, depthBefore: depth, leadingClosers: 0, blank: false });
      const end = heredoc.indented ? raw.trim() : raw.replace(/\s+$/, '');
      if (end === heredoc.marker) heredoc = undefined;
      continue;
    }
    if (inBlockComment) {
      lines.push({ code: raw.replace(/\s+$/, ''), comment: '', verbatim: true, depthBefore: depth, leadingClosers: 0, blank: false });
      if (raw.includes('*/')) inBlockComment = false;
      continue;
    }
    const scanned = scanLine(raw.trim());
    if (scanned.blockCommentOpen) inBlockComment = true;
    if (scanned.heredoc) heredoc = scanned.heredoc;
    const line: Line = {
      code: scanned.code,
      comment: scanned.comment,
      depthBefore: depth,
      leadingClosers: scanned.leadingClosers,
      blank: scanned.code === '' && scanned.comment === '',
    };
    depth += scanned.delta;
    if (depth < 0) throw new HclFormatError('unexpected closing bracket');
    lines.push(line);
  }
  if (heredoc) throw new HclFormatError(`unterminated heredoc, expected "${heredoc.marker}"`);
  if (inBlockComment) throw new HclFormatError('unterminated block comment');
  if (depth !== 0) throw new HclFormatError('unclosed block or list: missing closing bracket');

  const rendered = render(lines);
  return rendered.length === 0 ? '' : rendered + '\n';
}

interface Scan {
  code: string;
  comment: string;
  delta: number;
  leadingClosers: number;
  heredoc?: { marker: string; indented: boolean };
  blockCommentOpen: boolean;
}

/** Splits one trimmed line into normalised code and a trailing comment. */
function scanLine(line: string): Scan {
  let code = '';
  let comment = '';
  let delta = 0;
  let leadingClosers = 0;
  let seenCode = false;
  let heredoc: Scan['heredoc'];
  let blockCommentOpen = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"') {
      const end = stringEnd(line, i);
      code += line.slice(i, end);
      i = end - 1;
      seenCode = true;
      continue;
    }
    if (ch === '#' || (ch === '/' && line[i + 1] === '/')) {
      comment = line.slice(i);
      break;
    }
    if (ch === '/' && line[i + 1] === '*') {
      const close = line.indexOf('*/', i + 2);
      if (close < 0) {
        comment = line.slice(i);
        blockCommentOpen = true;
        break;
      }
      code += line.slice(i, close + 2);
      i = close + 1;
      continue;
    }
    if (ch === '<' && line[i + 1] === '<') {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(line.slice(i));
      if (m) {
        heredoc = { marker: m[2]!, indented: m[1] === '-' };
        code += line.slice(i);
        break;
      }
    }
    if (OPENERS.includes(ch)) delta++;
    if (CLOSERS.includes(ch)) {
      delta--;
      if (!seenCode) leadingClosers++;
    } else if (!/\s/.test(ch)) {
      seenCode = true;
    }
    code += ch;
  }
  if (code.trim() !== '' && !seenCode && leadingClosers === 0) seenCode = true;
  return { code: normaliseCode(code), comment, delta, leadingClosers, blockCommentOpen, ...(heredoc ? { heredoc } : {}) };
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(line: string, start: number): number {
  let interpolation = 0;
  for (let i = start + 1; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '$' && line[i + 1] === '{') {
      interpolation++;
      i++;
      continue;
    }
    if (ch === '}' && interpolation > 0) {
      interpolation--;
      continue;
    }
    if (ch === '"' && interpolation === 0) return i + 1;
  }
  throw new HclFormatError(`unterminated string: ${line}`);
}

/** Applies spacing rules to the parts of a line outside strings. */
function normaliseCode(code: string): string {
  const parts = splitStrings(code.trim());
  let out = '';
  for (const part of parts) {
    if (part.startsWith('"') || part.startsWith('/*') || part.startsWith('<<')) {
      out += part;
      continue;
    }
    out += part
      .replace(/\s+/g, ' ')
      .replace(/\s*,\s*/g, ', ')
      .replace(/([[(])\s+/g, '$1')
      .replace(/\s+([\])])/g, '$1')
      .replace(/\s*(?<![=!<>])=(?![=>])\s*/g, ' = ');
  }
  // A block's opening brace is separated from its header by one space.
  out = out.replace(/\s*\{$/, (m) => (out.length === m.length ? '{' : ' {'));
  return out.replace(/,\s*$/, ',').trim();
}

/** Splits code into string literals / heredoc openers / comments and the rest. */
function splitStrings(code: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if (ch === '"') {
      const end = stringEnd(code, i);
      parts.push(current, code.slice(i, end));
      current = '';
      i = end - 1;
    } else if (ch === '/' && code[i + 1] === '*') {
      const close = code.indexOf('*/', i + 2);
      const end = close < 0 ? code.length : close + 2;
      parts.push(current, code.slice(i, end));
      current = '';
      i = end - 1;
    } else if (ch === '<' && code[i + 1] === '<' && /^<<-?[A-Za-z_]/.test(code.slice(i))) {
      parts.push(current, code.slice(i));
      current = '';
      break;
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.filter((p) => p !== '');
}

function render(lines: Line[]): string {
  const out: string[] = [];
  // Group runs of consecutive attribute lines at one depth to align their "=".
  let i = 0;
  const indentOf = (line: Line): string => '  '.repeat(Math.max(0, line.depthBefore - line.leadingClosers));
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.verbatim) {
      out.push(line.code);
      i++;
      continue;
    }
    if (line.blank) {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      i++;
      continue;
    }
    if (isAttribute(line)) {
      let j = i;
      while (j < lines.length && isAttribute(lines[j]!) && lines[j]!.depthBefore === line.depthBefore) j++;
      const group = lines.slice(i, j);
      const width = Math.max(...group.map((l) => attributeKey(l).length));
      for (const l of group) {
        const key = attributeKey(l);
        const value = l.code.slice(l.code.indexOf(' = ') + 3);
        out.push(withComment(indentOf(l) + key.padEnd(width) + ' = ' + value, l.comment));
      }
      i = j;
      continue;
    }
    out.push(withComment(line.code === '' ? indentOf(line) : indentOf(line) + line.code, line.comment).trimEnd() || line.comment);
    i++;
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  while (out.length > 0 && out[0] === '') out.shift();
  return out.join('\n');
}

function isAttribute(line: Line): boolean {
  if (line.verbatim || line.blank || line.code.endsWith('{') || line.code.endsWith('[')) return false;
  const eq = line.code.indexOf(' = ');
  return eq > 0 && !line.code.slice(0, eq).includes('"');
}

function attributeKey(line: Line): string {
  return line.code.slice(0, line.code.indexOf(' = '));
}

function withComment(code: string, comment: string): string {
  if (comment === '') return code;
  if (code.trim() === '') return code + comment;
  return `${code} ${comment}`;
}
