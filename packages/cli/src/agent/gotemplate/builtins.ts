// text/template's predefined functions (and/or are evaluated lazily by the
// executor, so they are only named here).
import { sprintf } from './printf.js';
import { formatV, goEq, goLess, isTrue, printValue, typeName } from './values.js';

export type TemplateFunction = (...args: unknown[]) => unknown;

/** Evaluated by the executor itself: their arguments are computed one at a time. */
export const LAZY_BUILTINS = new Set(['and', 'or']);

function index(item: unknown, ...keys: unknown[]): unknown {
  let current = item;
  for (const key of keys) {
    if (current === null || current === undefined) throw new Error('index of untyped nil');
    if (Array.isArray(current) || typeof current === 'string') {
      if (typeof key !== 'number' || !Number.isInteger(key)) throw new Error(`cannot index slice/array with type ${typeName(key)}`);
      if (key < 0 || key >= current.length) throw new Error(`index out of range: ${key}`);
      current = typeof current === 'string' ? Buffer.from(current)[key] : current[key];
    } else if (typeof current === 'object') {
      const obj = current as Record<string, unknown>;
      current = Object.hasOwn(obj, String(key)) ? obj[String(key)] : null;
    } else {
      throw new Error(`can't index item of type ${typeName(current)}`);
    }
  }
  return current;
}

function slice(item: unknown, ...bounds: unknown[]): unknown {
  if (typeof item !== 'string' && !Array.isArray(item)) throw new Error(`can't slice item of type ${typeName(item)}`);
  const [from = 0, to = item.length] = bounds as number[];
  if (from < 0 || to > item.length || from > to) throw new Error(`index out of range: ${from}:${to}`);
  return item.slice(from, to);
}

function len(item: unknown): number {
  if (typeof item === 'string') return Buffer.byteLength(item);
  if (Array.isArray(item)) return item.length;
  if (item !== null && typeof item === 'object') return Object.keys(item).length;
  throw new Error(`len of type ${typeName(item)}`);
}

/** fmt.Sprint: a space between operands when neither is a string. */
function sprint(...args: unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += arg === null || arg === undefined ? '<nil>' : formatV(arg);
  });
  return out;
}

function htmlEscape(...args: unknown[]): string {
  return sprint(...args).replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!);
}

function jsEscape(...args: unknown[]): string {
  return sprint(...args).replace(/[\\'"<>&=\n\r\t]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

export const BUILTINS: Record<string, TemplateFunction> = {
  and: () => undefined,
  or: () => undefined,
  not: (a) => !isTrue(a),
  len,
  index,
  slice,
  print: sprint,
  println: (...args) => args.map((a) => (a === null || a === undefined ? '<nil>' : formatV(a))).join(' ') + '\n',
  printf: (format, ...args) => sprintf(String(format), args),
  html: htmlEscape,
  js: jsEscape,
  urlquery: (...args) => encodeURIComponent(sprint(...args)).replace(/%20/g, '+'),
  eq: (a, ...rest) => goEq(a, ...rest),
  ne: (a, b) => !goEq(a, b),
  lt: (a, b) => goLess(a, b),
  le: (a, b) => goLess(a, b) || goEq(a, b),
  gt: (a, b) => !(goLess(a, b) || goEq(a, b)),
  ge: (a, b) => !goLess(a, b),
};

export { printValue };
