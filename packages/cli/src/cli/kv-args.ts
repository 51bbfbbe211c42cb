// Data arguments as Vault's CLI reads them: key=value pairs, key=@file (file
// contents as the value), key=- (stdin as the value), @file.json or "-" (a
// whole JSON object). A key given twice becomes a list.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Context } from './context.js';

export class DataArgError extends Error {}

export async function parseDataArgs(ctx: Context, args: string[]): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  let stdinUsed = false;
  const readStdinOnce = async (): Promise<string> => {
    if (stdinUsed) throw new DataArgError('stdin already consumed');
    stdinUsed = true;
    return ctx.readStdin();
  };
  const add = (key: string, value: unknown): void => {
    if (key in result) {
      const existing = result[key];
      result[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    } else {
      result[key] = value;
    }
  };
  const mergeJson = (text: string, source: string): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new DataArgError(`error parsing JSON from ${source}: ${(err as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new DataArgError(`JSON from ${source} must be an object`);
    }
    for (const [k, v] of Object.entries(parsed)) add(k, v);
  };

  for (const arg of args) {
    if (arg === '-') {
      mergeJson(await readStdinOnce(), 'stdin');
      continue;
    }
    if (arg.startsWith('@')) {
      mergeJson(readArgFile(ctx, arg.slice(1)), arg.slice(1));
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq < 0) throw new DataArgError(`format must be key=value: ${JSON.stringify(arg)}`);
    const key = arg.slice(0, eq);
    let value = arg.slice(eq + 1);
    if (value === '-') {
      value = await readStdinOnce();
    } else if (value.startsWith('@')) {
      value = readArgFile(ctx, value.slice(1));
    }
    add(key, value);
  }
  return result;
}

/** Like parseDataArgs but every value as a string (login/audit options). */
export async function parseDataArgsStrings(ctx: Context, args: string[]): Promise<Record<string, string>> {
  const data = await parseDataArgs(ctx, args);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

function readArgFile(ctx: Context, path: string): string {
  try {
    return readFileSync(resolve(ctx.io.cwd, path), 'utf8');
  } catch (err) {
    throw new DataArgError(`error reading file ${path}: ${(err as Error).message}`);
  }
}
