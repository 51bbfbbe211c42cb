import { CofferError, parseBool, type Operation } from '@coffer/sdk';

/** Map an HTTP verb (and ?list / ?help) to a Vault operation. */
export function operationFor(method: string, query: URLSearchParams): Operation {
  if (boolQuery(query, 'help')) return 'help';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return boolQuery(query, 'list') ? 'list' : 'read';
    case 'LIST':
      return 'list';
    case 'POST':
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      throw new CofferError('unsupported_operation', `unsupported method ${method}`);
  }
}

/** `?list=True`, `?help=1`: Go's ParseBool, as Vault reads them; any other value is a 400. */
function boolQuery(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '') return false;
  const value = parseBool(raw);
  if (value === undefined) throw new CofferError('invalid_request', `bad value for ${name} parameter: "${raw}" is not a boolean (true, false, 1, 0, t, f)`);
  return value;
}

/** Query parameters become request data for reads, lists and deletes (as in Vault). */
export function queryData(query: URLSearchParams): Record<string, unknown> {
  // fromEntries defines own properties, so "?__proto__=x" is an ordinary parameter.
  return Object.fromEntries(
    [...new Set(query.keys())]
      .filter((key) => key !== 'list' && key !== 'help')
      .map((key) => {
        const values = query.getAll(key);
        return [key, values.length === 1 ? values[0] : values];
      }),
  );
}
