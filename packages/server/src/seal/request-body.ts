import { CofferError, parseBool, ownValue } from '@coffer/sdk';

/**
 * Reading Vault's JSON request bodies for the lifecycle endpoints. Vault
 * decodes them into typed structs; these helpers do the same checks with a
 * message that says which field is wrong and what it should be. Numeric and
 * boolean strings are accepted too, as they are harmless and some clients
 * send form-style values.
 */
export type Body = Record<string, unknown>;

export function asBody(body: unknown): Body {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new CofferError('invalid_request', 'the request body must be a JSON object');
  }
  return body as Body;
}

export function intField(body: Body, name: string): number | undefined {
  const value = ownValue(body, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number.parseInt(value, 10);
  throw new CofferError('invalid_request', `"${name}" must be an integer`);
}

export function boolField(body: Body, name: string): boolean | undefined {
  const value = ownValue(body, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const parsed = parseBool(value);
    if (parsed !== undefined) return parsed;
  }
  throw new CofferError('invalid_request', `"${name}" must be a boolean (true or false)`);
}

export function stringField(body: Body, name: string): string | undefined {
  const value = ownValue(body, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw new CofferError('invalid_request', `"${name}" must be a string`);
}

/** A list of strings, or one comma-separated string. */
export function stringListField(body: Body, name: string): string[] | undefined {
  const value = ownValue(body, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value === '' ? [] : value.split(',').map((s) => s.trim());
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw new CofferError('invalid_request', `"${name}" must be a list of strings`);
}
