import { configError } from './errors.js';
import type { SettingRef } from './values.js';

/**
 * A listener's `custom_response_headers`: header name → value, by status key.
 * Keys are "default", a status class such as "4xx", or a status such as "307".
 */
export type CustomResponseHeaders = Record<string, Record<string, string>>;

const STATUS_KEY = /^(default|[1-5]xx|[1-5][0-9][0-9])$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** HCL decodes each nested block as a list of objects; JSON files write plain objects. Both merge to one. */
function mergedObject(value: unknown): Record<string, unknown> | undefined {
  const items = Array.isArray(value) ? value : [value];
  if (!items.every(isObject)) return undefined;
  return Object.assign({}, ...items) as Record<string, unknown>;
}

/**
 * Reads the stanza as Vault does: values are lists of strings, sent joined
 * with "; ". Headers starting with X-Vault- are Coffer's own and are refused
 * with a warning, as Vault refuses them.
 */
export function readCustomResponseHeaders(value: unknown, ref: SettingRef, warn: (message: string) => void): CustomResponseHeaders {
  const byStatus = mergedObject(value);
  if (byStatus === undefined) throw configError(ref.file, ref.line(), `${ref.label} must be a block such as custom_response_headers { "default" = { "X-Header" = ["value"] } }`);
  const out: CustomResponseHeaders = {};
  for (const [status, headersValue] of Object.entries(byStatus)) {
    if (!STATUS_KEY.test(status)) {
      throw configError(ref.file, ref.line(), `${ref.label}: "${status}" is not a status code, a status class such as "4xx", or "default"`);
    }
    const headers = mergedObject(headersValue);
    if (headers === undefined) throw configError(ref.file, ref.line(), `${ref.label}: "${status}" must map header names to lists of values`);
    const chosen: Record<string, string> = {};
    for (const [name, raw] of Object.entries(headers)) {
      const values = Array.isArray(raw) ? raw : [raw];
      if (!values.every((v) => typeof v === 'string')) {
        throw configError(ref.file, ref.line(), `${ref.label}: the value of header ${name} under "${status}" must be a list of strings`);
      }
      if (/^x-vault-/i.test(name)) {
        warn(`${ref.label}: header ${name} under "${status}" is ignored; X-Vault- headers are set by the server itself`);
        continue;
      }
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw configError(ref.file, ref.line(), `${ref.label}: "${name}" is not a valid header name`);
      chosen[name] = (values as string[]).join('; ');
    }
    out[status] = chosen;
  }
  return out;
}
