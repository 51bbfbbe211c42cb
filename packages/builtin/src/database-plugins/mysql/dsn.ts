import { CofferError } from '@coffer/sdk';

/** Where and as whom a MySQL connection logs in. */
export interface MysqlTarget {
  host: string;
  port: number;
  /** Unix socket path, when the DSN uses unix(...). */
  socketPath?: string;
  user: string;
  password: string;
  database: string;
  params: Record<string, string>;
}

const GO_DSN = /^(?:(?<creds>.*)@)?(?<proto>tcp|unix)?(?:\((?<addr>[^)]*)\))?\/(?<db>[^?]*)(?:\?(?<params>.*))?$/;

/**
 * Reads connection_url in either form users bring from Vault: Go's
 * `user:password@tcp(host:port)/dbname?param=value` (what Vault's MySQL
 * plugin documents) or a `mysql://user:password@host:port/dbname` URL.
 * {{username}} and {{password}} are replaced by the connection's own
 * username and password after parsing, so a password may hold any character.
 */
export function parseMysqlDsn(dsn: string, username: string, password: string): MysqlTarget {
  const fill = (s: string): string => s.replace(/\{\{\s*username\s*\}\}/g, username).replace(/\{\{\s*password\s*\}\}/g, password);
  if (/^mysql:\/\//i.test(dsn)) {
    let url: URL;
    try {
      url = new URL(dsn.replace(/\{\{\s*(username|password)\s*\}\}/g, (_, k: string) => `__${k}__`));
    } catch {
      throw badDsn();
    }
    const unplace = (s: string): string => fill(decodeURIComponent(s).replace(/__(username|password)__/g, (_, k: string) => `{{${k}}}`));
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 3306,
      user: unplace(url.username),
      password: unplace(url.password),
      database: decodeURIComponent(url.pathname.replace(/^\//, '')),
      params: Object.fromEntries(url.searchParams),
    };
  }
  const m = GO_DSN.exec(dsn.trim());
  if (!m?.groups) throw badDsn();
  const { creds = '', proto = 'tcp', addr = '', db = '', params = '' } = m.groups;
  const colon = creds.indexOf(':');
  const user = fill(colon === -1 ? creds : creds.slice(0, colon));
  const pass = fill(colon === -1 ? '' : creds.slice(colon + 1));
  const target: MysqlTarget = { host: '127.0.0.1', port: 3306, user, password: pass, database: db, params: Object.fromEntries(new URLSearchParams(params)) };
  if (proto === 'unix') {
    if (!addr) throw badDsn();
    target.socketPath = addr;
    return target;
  }
  if (addr) {
    const hostPort = /^(?<host>\[[^\]]+\]|[^:]+)(?::(?<port>\d+))?$/.exec(addr);
    if (!hostPort?.groups) throw badDsn();
    target.host = hostPort.groups['host']!.replace(/^\[|\]$/g, '');
    if (hostPort.groups['port']) target.port = Number(hostPort.groups['port']);
  }
  return target;
}

function badDsn(): CofferError {
  return new CofferError(
    'invalid_request',
    'connection_url is not a valid MySQL DSN: expected {{username}}:{{password}}@tcp(host:port)/[dbname] or mysql://{{username}}:{{password}}@host:port/[dbname]',
  );
}
