import { stripAnchors } from './pattern.js';

/**
 * Expansion of a path pattern into the templated paths it stands for, for
 * OpenAPI: named groups become "{name}", optional parts and alternations
 * give one path per choice. Returns null when a pattern uses regex that
 * has no template form outside a named group (".", classes, lookarounds,
 * counted repeats).
 */
export function expandPattern(pattern: string): string[] | null {
  try {
    const parser = new Parser(stripAnchors(pattern));
    const alternatives = parser.parseAlternatives();
    if (!parser.done()) return null;
    return [...new Set(expandAlternatives(alternatives))];
  } catch (err) {
    if (err instanceof Unrepresentable) return null;
    throw err;
  }
}

class Unrepresentable extends Error {}

/** Above this many paths a pattern is not worth documenting path by path. */
const maxExpansions = 64;

type Item =
  | { kind: 'literal'; text: string; optional: boolean }
  | { kind: 'param'; name: string; optional: boolean }
  | { kind: 'group'; alternatives: Item[][]; optional: boolean };

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.i >= this.src.length;
  }

  parseAlternatives(): Item[][] {
    const alternatives: Item[][] = [this.parseSequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alternatives.push(this.parseSequence());
    }
    return alternatives;
  }

  private parseSequence(): Item[] {
    const items: Item[] = [];
    while (!this.done() && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const item = this.parseAtom();
      if (item) items.push(this.applyQuantifier(item));
    }
    return items;
  }

  private parseAtom(): Item | null {
    const c = this.src[this.i]!;
    if (c === '\\') {
      const next = this.src[this.i + 1];
      if (next === undefined || /[dDwWsSbBpPuxck0-9]/.test(next)) throw new Unrepresentable();
      this.i += 2;
      return { kind: 'literal', text: next, optional: false };
    }
    if (c === '(') return this.parseGroup();
    if (c === '^' || c === '$') {
      this.i++;
      return null;
    }
    if ('.[]{}*+?'.includes(c)) throw new Unrepresentable();
    this.i++;
    return { kind: 'literal', text: c, optional: false };
  }

  private parseGroup(): Item {
    const rest = this.src.slice(this.i);
    const named = /^\(\?<([A-Za-z_$][\w$]*)>/.exec(rest);
    if (named) {
      this.i += named[0].length;
      this.skipToGroupEnd();
      return { kind: 'param', name: named[1]!, optional: false };
    }
    if (rest.startsWith('(?:')) this.i += 3;
    else if (rest.startsWith('(?')) throw new Unrepresentable(); // lookarounds
    else this.i += 1;
    const alternatives = this.parseAlternatives();
    if (this.src[this.i] !== ')') throw new Unrepresentable();
    this.i++;
    return { kind: 'group', alternatives, optional: false };
  }

  /** Skips a named group's regex: whatever it matches is the parameter. */
  private skipToGroupEnd(): void {
    let depth = 1;
    let inClass = false;
    while (!this.done()) {
      const c = this.src[this.i]!;
      this.i++;
      if (c === '\\') {
        this.i++;
      } else if (inClass) {
        if (c === ']') inClass = false;
      } else if (c === '[') {
        inClass = true;
      } else if (c === '(') {
        depth++;
      } else if (c === ')') {
        depth--;
        if (depth === 0) return;
      }
    }
    throw new Unrepresentable();
  }

  private applyQuantifier(item: Item): Item {
    const q = this.src[this.i];
    if (q === '?' || q === '*') {
      this.i++;
      if (this.src[this.i] === '?') this.i++; // lazy form
      return { ...item, optional: true };
    }
    if (q === '+') {
      this.i++;
      if (this.src[this.i] === '?') this.i++;
      return item;
    }
    if (q === '{') throw new Unrepresentable();
    return item;
  }
}

function expandAlternatives(alternatives: Item[][]): string[] {
  return alternatives.flatMap(expandSequence);
}

function expandSequence(items: Item[]): string[] {
  let results = [''];
  for (const item of items) {
    const choices = expandItem(item);
    const next: string[] = [];
    for (const prefix of results) for (const choice of choices) next.push(prefix + choice);
    results = [...new Set(next)];
    if (results.length > maxExpansions) throw new Unrepresentable();
  }
  return results;
}

function expandItem(item: Item): string[] {
  let choices: string[];
  if (item.kind === 'literal') choices = [item.text];
  else if (item.kind === 'param') choices = [`{${item.name}}`];
  else choices = expandAlternatives(item.alternatives);
  return item.optional ? ['', ...choices] : choices;
}
