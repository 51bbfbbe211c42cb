import { CofferError, parseDuration } from '@coffer/sdk';

/** The pool settings every SQL plugin accepts, as Vault's connection producer reads them. */
export interface PoolSettings {
  maxOpenConnections: number;
  maxIdleConnections: number;
  /** Seconds; 0 means connections live until closed. */
  maxConnectionLifetime: number;
}

/** A string setting ("" when absent); numbers and booleans are accepted as the CLI sends them. */
export function stringSetting(config: Readonly<Record<string, unknown>>, key: string): string {
  const value = config[key];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new CofferError('invalid_request', `${key} must be a string`);
}

export function boolSetting(config: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const value = config[key];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new CofferError('invalid_request', `${key} must be true or false, got ${JSON.stringify(value)}`);
}

function intSetting(config: Readonly<Record<string, unknown>>, key: string, fallback: number, min: number): number {
  const raw = config[key];
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new CofferError('invalid_request', `${key} must be an integer of at least ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * max_open_connections (default 4), max_idle_connections (default and
 * ceiling: max_open_connections), max_connection_lifetime (a duration
 * such as "30s"; default 0, unlimited).
 */
export function poolSettings(config: Readonly<Record<string, unknown>>): PoolSettings {
  const maxOpenConnections = intSetting(config, 'max_open_connections', 4, 1);
  let maxIdleConnections = intSetting(config, 'max_idle_connections', 0, 0);
  if (maxIdleConnections === 0 || maxIdleConnections > maxOpenConnections) maxIdleConnections = maxOpenConnections;
  let maxConnectionLifetime = 0;
  const lifetime = config['max_connection_lifetime'];
  if (lifetime !== undefined && lifetime !== null && lifetime !== '') {
    try {
      maxConnectionLifetime = parseDuration(lifetime);
    } catch {
      throw new CofferError('invalid_request', `max_connection_lifetime must be a duration such as "30s", got ${JSON.stringify(lifetime)}`);
    }
  }
  return { maxOpenConnections, maxIdleConnections, maxConnectionLifetime };
}

/** What initialize stores back: the settings with their defaults filled in. */
export function poolSettingsConfig(settings: PoolSettings): Record<string, unknown> {
  return {
    max_open_connections: settings.maxOpenConnections,
    max_idle_connections: settings.maxIdleConnections,
    max_connection_lifetime: `${settings.maxConnectionLifetime}s`,
  };
}

/** {{username}} and {{password}} in a templated connection URL, replaced (URL-encoded unless `raw`). */
export function resolveUrlTemplate(url: string, username: string, password: string, encode: (s: string) => string = encodeURIComponent): string {
  return url.replace(/\{\{\s*username\s*\}\}/g, encode(username)).replace(/\{\{\s*password\s*\}\}/g, encode(password));
}
