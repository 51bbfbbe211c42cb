import type { ConfigSyntax } from './decode.js';

/**
 * Finds the line of a key in a config file's text, best effort. The decoded
 * HCL carries no positions, yet a wrong value should be reported with its
 * line; a scan of the text (braces counted outside strings and comments) is
 * enough to find it in real config files.
 */
export class SourceLocator {
  private readonly lines: string[];
  /** Brace depth at the start of each line. */
  private readonly depth: number[];
  private readonly topDepth: number;

  constructor(text: string, syntax: ConfigSyntax) {
    this.lines = text.split('\n');
    this.depth = depthsAtLineStart(this.lines);
    // JSON settings sit inside the document's own braces.
    this.topDepth = syntax === 'json' ? 1 : 0;
  }

  /** Line of a top-level key. */
  topLevelKey(key: string): number | undefined {
    // A one-line JSON document starts at depth 0 on the line of its keys.
    return this.find(keyPattern(key), 0, this.lines.length, (i) => this.depth[i]! <= this.topDepth);
  }

  /** Line where the occurrence-th (0-based) top-level block `name` starts. */
  block(name: string, occurrence: number): number | undefined {
    const header = blockPattern(name);
    let seen = 0;
    for (let i = 0; i < this.lines.length; i++) {
      if (this.depth[i]! > this.topDepth || !header.test(stripComment(this.lines[i]!))) continue;
      if (seen++ === occurrence) return i + 1;
    }
    // JSON lists every block under one key; point at that key.
    return this.topLevelKey(name);
  }

  /** Line of `key` inside the block that starts on blockLine. */
  keyInBlock(blockLine: number | undefined, key: string): number | undefined {
    if (blockLine === undefined) return undefined;
    const start = blockLine - 1;
    const outer = this.depth[start]!;
    let end = start + 1;
    while (end < this.lines.length && this.depth[end]! > outer) end++;
    return this.find(keyPattern(key), start, end, () => true);
  }

  private find(pattern: RegExp, from: number, to: number, accept: (line: number) => boolean): number | undefined {
    for (let i = from; i < to; i++) {
      if (accept(i) && pattern.test(stripComment(this.lines[i]!))) return i + 1;
    }
    return undefined;
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `key =`, `"key" =`, `"key":` and block headers `key "label" {` / `key {`. */
function keyPattern(key: string): RegExp {
  return new RegExp(`(^|[\\s{,\\[])"?${escape(key)}"?\\s*(=|:|\\{|"[^"]*"\\s*\\{|[A-Za-z_][\\w-]*\\s*\\{)`);
}

function blockPattern(name: string): RegExp {
  return new RegExp(`^\\s*"?${escape(name)}"?\\s*(("[^"]*"|[A-Za-z_][\\w-]*)\\s*)*(\\{|=\\s*\\{)`);
}

/** The line without a trailing # or // comment (outside quotes). */
function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '#' || (c === '/' && line[i + 1] === '/')) return line.slice(0, i);
  }
  return line;
}

function depthsAtLineStart(lines: string[]): number[] {
  const depths: number[] = [];
  let depth = 0;
  let inBlockComment = false;
  let heredoc: string | null = null;
  for (const line of lines) {
    depths.push(depth);
    if (heredoc !== null) {
      if (line.trim() === heredoc) heredoc = null;
      continue;
    }
    let inString = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (inBlockComment) {
        if (c === '*' && line[i + 1] === '/') {
          inBlockComment = false;
          i++;
        }
      } else if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '#' || (c === '/' && line[i + 1] === '/')) break;
      else if (c === '/' && line[i + 1] === '*') {
        inBlockComment = true;
        i++;
      } else if (c === '<' && line[i + 1] === '<') {
        const m = /^<<-?([A-Za-z_][\w-]*)\s*$/.exec(line.slice(i));
        if (m) {
          heredoc = m[1]!;
          break;
        }
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth = Math.max(0, depth - 1);
    }
  }
  return depths;
}
