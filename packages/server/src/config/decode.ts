import { decodeHcl } from '../policy/hcl.js';
import { configError } from './errors.js';
import { jsonErrorOffset, lineAndColumn } from './json-error.js';

export type ConfigSyntax = 'hcl' | 'json';

export interface DecodedConfig {
  syntax: ConfigSyntax;
  /** The top-level object: HCL blocks come back as lists of objects, as Go's HCL decoder gives them. */
  root: Record<string, unknown>;
}

/**
 * Decodes a config file's text, HCL v1 or JSON. Like Vault (HCL's own rule),
 * a text whose first non-blank character is `{` is JSON, whatever the file is
 * called. JSON goes through JSON.parse, which is strict, rather than HCL's
 * JSON reader, which skips some malformed input without a word.
 */
export function decodeConfigText(text: string, fileName: string): DecodedConfig {
  const source = text.replace(/^\uFEFF/, '');
  if (source.trimStart().startsWith('{')) return { syntax: 'json', root: decodeJson(source, fileName) };
  return { syntax: 'hcl', root: decodeHclText(source, fileName) };
}

function decodeJson(text: string, fileName: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const offset = jsonErrorOffset(text);
    const reason = (err as Error).message.replace(/, (\.\.\.)?".*$/s, '').replace(/ in JSON at position \d+.*$/s, '');
    if (offset >= 0) {
      const { line, column } = lineAndColumn(text, offset);
      throw configError(fileName, line, `invalid JSON at column ${column}: ${reason}`);
    }
    throw configError(fileName, undefined, `invalid JSON: ${reason}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw configError(fileName, 1, 'the JSON document must be an object of settings');
  }
  return value as Record<string, unknown>;
}

function decodeHclText(text: string, fileName: string): Record<string, unknown> {
  const result = decodeHcl(text);
  if (result.ok) {
    if (result.value === null || typeof result.value !== 'object' || Array.isArray(result.value)) {
      throw configError(fileName, undefined, 'the file must hold settings such as listener "tcp" { … }');
    }
    return result.value as Record<string, unknown>;
  }
  // HCL's messages start with "At LINE:COLUMN:" when it knows where.
  const at = /^At (\d+):(\d+): (.*)$/s.exec(result.error);
  if (at) {
    throw configError(fileName, Number(at[1]), `invalid HCL at column ${at[2]}: ${at[3]!.trim()}`);
  }
  // The JS build of HCL keeps integers in 32 bits; it names the number it could not hold.
  const range = /parsing "(-?\d+)": value out of range/.exec(result.error);
  if (range) {
    const line = lineContaining(text, range[1]!);
    throw configError(
      fileName,
      line,
      `the number ${range[1]} is too large for the HCL reader; write it as a string ("${range[1]}") or use a JSON config file`,
    );
  }
  throw configError(fileName, undefined, `invalid HCL: ${result.error.trim()}`);
}

function lineContaining(text: string, needle: string): number | undefined {
  const re = new RegExp(`(^|[^\\d])${needle.replace('-', '\\-')}($|[^\\d])`);
  const lines = text.split('\n');
  const index = lines.findIndex((l) => re.test(l));
  return index === -1 ? undefined : index + 1;
}
