import { CofferError } from '@coffer/sdk';

/**
 * The URL pg connects with: {{username}} and {{password}} in a templated
 * connection_url are replaced by the connection's username and password
 * (URL-encoded), which is what lets the engine rotate the root password
 * without the URL ever holding it.
 */
export function resolveConnectionUrl(config: Record<string, unknown>): string {
  const url = config['connection_url'];
  if (typeof url !== 'string' || url.trim() === '') {
    throw new CofferError('invalid_request', 'connection_url cannot be empty: give a postgres:// URL, e.g. postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres');
  }
  const username = stringField(config, 'username');
  const password = stringField(config, 'password');
  return url
    .replace(/\{\{\s*username\s*\}\}/g, encodeURIComponent(username))
    .replace(/\{\{\s*password\s*\}\}/g, encodeURIComponent(password));
}

function stringField(config: Record<string, unknown>, key: string): string {
  const value = config[key];
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** max_open_connections: a positive integer (the CLI sends it as a string), default 4 as in Vault. */
export function maxOpenConnections(config: Record<string, unknown>): number {
  const raw = config['max_open_connections'];
  if (raw === undefined || raw === null || raw === '') return 4;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new CofferError('invalid_request', `max_open_connections must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
