// Go's fmt.Sprintf for the verbs templates use: %v %s %d %q %x %X %o %b %f
// %e %g %t %c %T %%, with flags (- + # 0 space), width and precision.
import { formatFloat, formatV, typeName } from './values.js';

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argIndex = 0;
  const re = /%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(format)) !== null) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags = '', widthText, precText, verb] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const width = widthText === '*' ? Number(args[argIndex++]) : widthText === undefined ? undefined : Number(widthText);
    const precision = precText === '*' ? Number(args[argIndex++]) : precText === undefined ? (m[0].includes('.') ? 0 : undefined) : Number(precText);
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argIndex++];
    out += pad(formatOne(verb!, arg, flags, precision), width, flags);
  }
  out += format.slice(last);
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map((a) => `${typeName(a)}=${formatV(a)}`)
      .join(', ')})`;
  }
  return out;
}

function pad(text: string, width: number | undefined, flags: string): string {
  if (width === undefined || text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (flags.includes('0') && /^[+-]?[\d.]/.test(text)) {
    const sign = /^[+-]/.test(text) ? text[0]! : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width);
}

function signed(text: string, n: number, flags: string): string {
  if (n >= 0 && flags.includes('+')) return '+' + text;
  if (n >= 0 && flags.includes(' ')) return ' ' + text;
  return text;
}

function formatOne(verb: string, arg: unknown, flags: string, precision: number | undefined): string {
  const bad = (): string => `%!${verb}(${typeName(arg)}=${formatV(arg)})`;
  switch (verb) {
    case 'v':
      if (arg === null || arg === undefined) return '<nil>';
      return typeof arg === 'number' ? signed(formatFloat(arg), arg, flags) : formatV(arg);
    case 's': {
      if (typeof arg === 'number' || typeof arg === 'boolean') return bad();
      const s = arg === null || arg === undefined ? '%!s(<nil>)' : formatV(arg);
      return precision === undefined ? s : s.slice(0, precision);
    }
    case 'q':
      if (typeof arg === 'string') return JSON.stringify(arg);
      if (Array.isArray(arg)) return `[${arg.map((a) => JSON.stringify(String(a))).join(' ')}]`;
      return bad();
    case 't':
      return typeof arg === 'boolean' ? String(arg) : bad();
    case 'd':
      if (typeof arg !== 'number' || !Number.isInteger(arg)) return bad();
      return signed(String(arg), arg, flags);
    case 'c':
      return typeof arg === 'number' ? String.fromCodePoint(arg) : bad();
    case 'x':
    case 'X': {
      let text: string;
      if (typeof arg === 'number' && Number.isInteger(arg)) text = (arg < 0 ? '-' : '') + (flags.includes('#') ? '0x' : '') + Math.abs(arg).toString(16);
      else if (typeof arg === 'string') text = Buffer.from(arg, 'utf8').toString('hex');
      else return bad();
      return verb === 'X' ? text.toUpperCase().replace('0X', '0X') : text;
    }
    case 'o':
      return typeof arg === 'number' && Number.isInteger(arg) ? (flags.includes('#') ? '0' : '') + arg.toString(8) : bad();
    case 'b':
      return typeof arg === 'number' && Number.isInteger(arg) ? arg.toString(2) : bad();
    case 'f':
    case 'F':
      return typeof arg === 'number' ? signed(arg.toFixed(precision ?? 6), arg, flags) : bad();
    case 'e':
    case 'E': {
      if (typeof arg !== 'number') return bad();
      const text = arg.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return signed(verb === 'E' ? text.toUpperCase() : text, arg, flags);
    }
    case 'g':
    case 'G': {
      if (typeof arg !== 'number') return bad();
      const text = precision === undefined ? formatFloat(arg) : Number(arg.toPrecision(precision)).toString();
      return signed(verb === 'G' ? text.toUpperCase() : text, arg, flags);
    }
    case 'T':
      return typeName(arg);
    default:
      return `%!${verb}(${typeName(arg)}=${formatV(arg)})`;
  }
}
