import { pluginProtocol } from '@coffer/sdk/plugin/index.js';

/**
 * The few variables of the server's own environment a plugin inherits. The
 * rest (tokens, cloud credentials for auto-unseal, …) stays with the server:
 * a plugin gets what its catalog entry says and nothing more.
 */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG', 'LC_ALL'];

/** Catalog env as Vault stores it (["K=V", …]) or as an object. */
export type PluginEnvInput = readonly string[] | Readonly<Record<string, string>>;

export function toEnvRecord(env: PluginEnvInput | undefined): Record<string, string> {
  if (!env) return {};
  if (!Array.isArray(env)) return { ...(env as Record<string, string>) };
  const out: Record<string, string> = {};
  for (const pair of env as readonly string[]) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** The environment of a plugin launch: inherited basics, the catalog's env, then the protocol's variables. */
export function buildPluginEnv(catalogEnv: PluginEnvInput | undefined, hostCertPem: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, toEnvRecord(catalogEnv));
  // Set last: the catalog cannot override the protocol's own variables.
  env[pluginProtocol.MAGIC_COOKIE_KEY] = pluginProtocol.MAGIC_COOKIE_VALUE;
  env[pluginProtocol.VAULT_MAGIC_COOKIE_KEY] = pluginProtocol.VAULT_MAGIC_COOKIE_VALUE;
  env[pluginProtocol.CLIENT_CERT_ENV] = hostCertPem;
  env[pluginProtocol.PROTOCOL_VERSIONS_ENV] = String(pluginProtocol.APP_PROTOCOL_VERSION);
  return env;
}
