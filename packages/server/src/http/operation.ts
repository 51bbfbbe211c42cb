import { CofferError, type Operation } from '@coffer/sdk';

/** Map an HTTP verb (and ?list / ?help) to a Vault operation. */
export function operationFor(method: string, query: URLSearchParams): Operation {
  if (query.get('help') === '1' || query.get('help') === 'true') return 'help';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return isTrue(query.get('list')) ? 'list' : 'read';
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

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

/** Query parameters become request data for reads, lists and deletes (as in Vault). */
export function queryData(query: URLSearchParams): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    if (key === 'list' || key === 'help') continue;
    const values = query.getAll(key);
    data[key] = values.length === 1 ? values[0] : values;
  }
  return data;
}
