// The consul-template functions Vault Agent templates use that need no
// server: encoding, strings, lists, maths, env and files. Argument order is
// consul-template's, made for pipelines ({{ .Tags | join "," }}).
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stringify as toYamlText, parse as parseYamlText } from 'yaml';
import type { TemplateFunction } from '../gotemplate/index.js';
import { formatV } from '../gotemplate/values.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : formatV(v));

function num(v: unknown, fn: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n)) throw new Error(`${fn}: ${JSON.stringify(v)} is not a number`);
  return n;
}

function list(v: unknown, fn: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined) return [];
  throw new Error(`${fn}: expected a list, got ${formatV(v)}`);
}

/** Go's json.Marshal: sorted map keys, <, > and & escaped. */
function goJson(value: unknown, indent?: string): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, sortKeys(obj[k])]));
    }
    return v;
  };
  const text = JSON.stringify(sortKeys(value) ?? null, null, indent) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function b64decode(s: unknown, encoding: 'base64' | 'base64url', fn: string): string {
  const text = str(s);
  const pattern = encoding === 'base64' ? /^[A-Za-z0-9+/]*={0,2}$/ : /^[A-Za-z0-9_-]*={0,2}$/;
  if (!pattern.test(text.trim())) throw new Error(`${fn}: illegal base64 data`);
  return Buffer.from(text.trim(), encoding).toString('utf8');
}

/** Go time layouts for the few forms timestamp is called with. */
function timestamp(layout?: unknown): string | number {
  const now = new Date();
  if (layout === undefined) return now.toISOString().replace(/\.\d+Z$/, 'Z');
  if (layout === 'unix') return Math.floor(now.getTime() / 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return str(layout)
    .replace('2006', String(now.getUTCFullYear()))
    .replace('01', pad(now.getUTCMonth() + 1))
    .replace('02', pad(now.getUTCDate()))
    .replace('15', pad(now.getUTCHours()))
    .replace('04', pad(now.getUTCMinutes()))
    .replace('05', pad(now.getUTCSeconds()))
    .replace('Z07:00', 'Z')
    .replace('MST', 'UTC');
}

export function pureFunctions(env: NodeJS.ProcessEnv): Record<string, TemplateFunction> {
  return {
    env: (name) => env[str(name)] ?? '',
    mustEnv: (name) => {
      const value = env[str(name)];
      if (value === undefined) throw new Error(`environment variable ${str(name)} is not set`);
      return value;
    },
    envOrDefault: (name, fallback) => env[str(name)] ?? str(fallback),
    file: (path) => {
      try {
        return readFileSync(str(path), 'utf8');
      } catch (err) {
        throw new Error(`cannot read file "${str(path)}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    },
    toJSON: (v) => goJson(v),
    toJSONPretty: (v) => goJson(v, '  '),
    toUnescapedJSON: (v) => JSON.stringify(v ?? null),
    toYAML: (v) => toYamlText(v ?? null).replace(/\n$/, ''),
    parseJSON: (s) => {
      try {
        return JSON.parse(str(s)) as unknown;
      } catch (err) {
        throw new Error(`parseJSON: ${(err as Error).message}`);
      }
    },
    parseYAML: (s) => parseYamlText(str(s)) as unknown,
    parseBool: (s) => {
      const t = str(s);
      if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(t)) return true;
      if (['0', 'f', 'F', 'false', 'FALSE', 'False', ''].includes(t)) return false;
      throw new Error(`parseBool: invalid syntax ${JSON.stringify(t)}`);
    },
    parseInt: (s) => {
      const t = str(s).trim();
      if (!/^[+-]?\d+$/.test(t)) throw new Error(`parseInt: invalid syntax ${JSON.stringify(t)}`);
      return Number.parseInt(t, 10);
    },
    parseUint: (s) => {
      const t = str(s).trim();
      if (!/^\d+$/.test(t)) throw new Error(`parseUint: invalid syntax ${JSON.stringify(t)}`);
      return Number.parseInt(t, 10);
    },
    parseFloat: (s) => num(s, 'parseFloat'),
    base64Decode: (s) => b64decode(s, 'base64', 'base64Decode'),
    base64Encode: (s) => Buffer.from(str(s), 'utf8').toString('base64'),
    base64URLDecode: (s) => b64decode(s, 'base64url', 'base64URLDecode'),
    base64URLEncode: (s) => Buffer.from(str(s), 'utf8').toString('base64url'),
    sha256Hex: (s) => createHash('sha256').update(str(s)).digest('hex'),
    md5sum: (s) => createHash('md5').update(str(s)).digest('hex'),
    hmacSHA256Hex: (message, key) => createHmac('sha256', str(key)).update(str(message)).digest('hex'),
    toLower: (s) => str(s).toLowerCase(),
    toUpper: (s) => str(s).toUpperCase(),
    toTitle: (s) => str(s).replace(/\b\w/g, (c) => c.toUpperCase()),
    trimSpace: (s) => str(s).trim(),
    trim: (cutset, s) => {
      const chars = new Set(str(cutset));
      let t = str(s);
      while (t.length > 0 && chars.has(t[0]!)) t = t.slice(1);
      while (t.length > 0 && chars.has(t[t.length - 1]!)) t = t.slice(0, -1);
      return t;
    },
    trimPrefix: (prefix, s) => (str(s).startsWith(str(prefix)) ? str(s).slice(str(prefix).length) : str(s)),
    trimSuffix: (suffix, s) => (str(suffix) !== '' && str(s).endsWith(str(suffix)) ? str(s).slice(0, -str(suffix).length) : str(s)),
    replaceAll: (from, to, s) => str(s).split(str(from)).join(str(to)),
    regexReplaceAll: (re, repl, s) => str(s).replace(new RegExp(str(re), 'g'), str(repl).replace(/\$\{(\w+)\}/g, '$$<$1>')),
    regexMatch: (re, s) => new RegExp(str(re)).test(str(s)),
    split: (sep, s) => (str(s) === '' ? [] : str(s).split(str(sep))),
    join: (sep, l) => list(l, 'join').map(str).join(str(sep)),
    indent: (spaces, s) => {
      const n = num(spaces, 'indent');
      if (n < 0) throw new Error('indent: the number of spaces cannot be negative');
      const pad = ' '.repeat(n);
      return str(s)
        .split('\n')
        .map((line) => pad + line)
        .join('\n');
    },
    contains: (needle, haystack) => (Array.isArray(haystack) ? haystack.includes(needle) : str(haystack).includes(str(needle))),
    in: (haystack, needle) => (Array.isArray(haystack) ? haystack.includes(needle) : str(haystack).includes(str(needle))),
    containsAll: (needles, haystack) => list(needles, 'containsAll').every((n) => list(haystack, 'containsAll').includes(n)),
    containsAny: (needles, haystack) => list(needles, 'containsAny').some((n) => list(haystack, 'containsAny').includes(n)),
    containsNone: (needles, haystack) => !list(needles, 'containsNone').some((n) => list(haystack, 'containsNone').includes(n)),
    containsNotAll: (needles, haystack) => !list(needles, 'containsNotAll').every((n) => list(haystack, 'containsNotAll').includes(n)),
    add: (b, a) => num(a, 'add') + num(b, 'add'),
    subtract: (b, a) => num(a, 'subtract') - num(b, 'subtract'),
    multiply: (b, a) => num(a, 'multiply') * num(b, 'multiply'),
    divide: (b, a) => {
      const d = num(b, 'divide');
      if (d === 0) throw new Error('divide: division by zero');
      const q = num(a, 'divide') / d;
      return Number.isInteger(num(a, 'divide')) && Number.isInteger(d) ? Math.trunc(q) : q;
    },
    modulo: (b, a) => {
      const d = num(b, 'modulo');
      if (d === 0) throw new Error('modulo: division by zero');
      return num(a, 'modulo') % d;
    },
    minimum: (b, a) => Math.min(num(a, 'minimum'), num(b, 'minimum')),
    maximum: (b, a) => Math.max(num(a, 'maximum'), num(b, 'maximum')),
    loop: (...args) => {
      const [from, to] = args.length === 1 ? [0, num(args[0], 'loop')] : [num(args[0], 'loop'), num(args[1], 'loop')];
      return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
    },
    timestamp,
    explodeMap: (m) => {
      // "a/b" keys become nested maps, as consul-template's explodeMap.
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries((m ?? {}) as Record<string, unknown>)) {
        const parts = key.split('/').filter((p) => p !== '');
        let node = out;
        for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
        if (parts.length > 0) node[parts[parts.length - 1]!] = value;
      }
      return out;
    },
  };
}
