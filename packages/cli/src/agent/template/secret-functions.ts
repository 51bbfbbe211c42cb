// The template functions that reach the server: secret (read, or write with
// "key=value" arguments), secrets (list) and pkiCert.
import type { TemplateFunction } from '../gotemplate/index.js';
import type { Dependencies } from './dependencies.js';

function keyValues(args: unknown[], fn: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const arg of args) {
    const text = String(arg);
    const eq = text.indexOf('=');
    if (eq <= 0) throw new Error(`${fn}: ${JSON.stringify(text)} is not key=value`);
    body[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return body;
}

const cleanPath = (p: unknown): string => String(p).replace(/^\/+/, '');

export function secretFunctions(deps: Dependencies): Record<string, TemplateFunction> {
  return {
    secret: (path, ...args) => {
      if (path === undefined) throw new Error('secret: a path is required');
      return args.length === 0 ? deps.get('read', cleanPath(path), {}) : deps.get('write', cleanPath(path), keyValues(args, 'secret'));
    },
    secrets: (path) => {
      if (path === undefined) throw new Error('secrets: a path is required');
      return deps.get('list', cleanPath(path), {});
    },
    pkiCert: (path, ...args) => {
      if (path === undefined) throw new Error('pkiCert: a path is required');
      return deps.get('pki', cleanPath(path), keyValues(args, 'pkiCert'));
    },
  };
}

/** The names, for parsing (the parser rejects unknown functions). */
export const SECRET_FUNCTION_NAMES = ['secret', 'secrets', 'pkiCert'];
