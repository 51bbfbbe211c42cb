import { getJson, putJson, type Storage } from '@coffer/sdk';

/** A configured database connection, as stored under config/<name>. */
export interface DatabaseConfig {
  plugin_name: string;
  /** The catalog version to run ("" for the unversioned registration). */
  plugin_version: string;
  /** What the plugin's initialize returned: connection URL, credentials, plugin settings. Never returned in clear. */
  connection_details: Record<string, unknown>;
  allowed_roles: string[];
  root_credentials_rotate_statements: string[];
  password_policy: string;
  verify_connection: boolean;
}

const CONFIG_PREFIX = 'config/';

/**
 * Body fields of config/:name that belong to the engine; every other field
 * is a connection detail handed to the plugin.
 */
export const ENGINE_CONFIG_FIELDS = new Set([
  'name',
  'plugin_name',
  'plugin_version',
  'verify_connection',
  'allowed_roles',
  'root_rotation_statements',
  'password_policy',
]);

/** Connection details that are secrets: stored, handed to the plugin, never read back. */
const SECRET_DETAILS = ['password', 'private_key', 'service_account_json', 'tls_certificate_key'];

export function newDatabaseConfig(): DatabaseConfig {
  return {
    plugin_name: '',
    plugin_version: '',
    connection_details: {},
    allowed_roles: [],
    root_credentials_rotate_statements: [],
    password_policy: '',
    verify_connection: true,
  };
}

export async function readConfig(storage: Storage, name: string): Promise<DatabaseConfig | null> {
  const stored = await getJson<Partial<DatabaseConfig>>(storage, CONFIG_PREFIX + name);
  return stored ? { ...newDatabaseConfig(), ...stored } : null;
}

export function writeConfig(storage: Storage, name: string, config: DatabaseConfig): Promise<void> {
  return putJson(storage, CONFIG_PREFIX + name, config);
}

export function deleteConfig(storage: Storage, name: string): Promise<void> {
  return storage.delete(CONFIG_PREFIX + name);
}

export async function listConfigs(storage: Storage): Promise<string[]> {
  return (await storage.list(CONFIG_PREFIX)).filter((k) => !k.endsWith('/'));
}

/** The storage key's connection name, if the key is a connection's config. */
export function configNameOfKey(key: string): string | undefined {
  return key.startsWith(CONFIG_PREFIX) && key.length > CONFIG_PREFIX.length ? key.slice(CONFIG_PREFIX.length) : undefined;
}

/** The body fields of a config write that are connection details for the plugin. */
export function connectionDetailsFrom(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !ENGINE_CONFIG_FIELDS.has(key)));
}

/** The connection_details a read shows: secrets removed, a password inside connection_url masked. */
export function redactedDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...details };
  for (const key of SECRET_DETAILS) delete out[key];
  const url = out['connection_url'];
  if (typeof url === 'string') out['connection_url'] = maskUrlPassword(url);
  return out;
}

/** True when connection_url carries a literal password (rather than a {{password}} template). */
export function urlHasPassword(details: Record<string, unknown>): boolean {
  const url = details['connection_url'];
  return typeof url === 'string' && urlPassword(url) !== '';
}

function maskUrlPassword(url: string): string {
  const password = urlPassword(url);
  return password === '' ? url : url.split(password).join('*****');
}

function urlPassword(url: string): string {
  try {
    const password = new URL(url).password;
    // A templated URL ("{{password}}") holds no secret.
    return password.startsWith('%7B%7B') || password.startsWith('{{') ? '' : password;
  } catch {
    return '';
  }
}
