// `agent generate-config -type=env-template`: reads the KV secrets at the
// given paths (a trailing /* walks a folder) and writes an agent config that
// runs a command with every key as an environment variable, as Vault's does.
import type { ApiClient } from '../api/client.js';
import { addPrefixToKvPath, joinPath, kvPreflight, sanitizePath } from '../kv/paths.js';

export interface EnvVariable {
  name: string;
  /** The API path read by the template (secret/data/foo on KV v2). */
  apiPath: string;
  key: string;
  v2: boolean;
}

/** FOO_BAR_PASSWORD from the path below the mount and the key. */
export function envVariableName(relativePath: string, key: string): string {
  return `${relativePath}_${key}`
    .replace(/[^A-Za-z0-9_]/g, '_')
    .replace(/^_+/, '')
    .toUpperCase();
}

async function keysOf(client: ApiClient, apiPath: string, v2: boolean): Promise<string[]> {
  const secret = await client.read(apiPath);
  const data = (v2 ? (secret?.data?.data as Record<string, unknown> | undefined) : secret?.data) ?? {};
  return Object.keys(data).sort();
}

/** Every variable for one -path argument. */
export async function variablesForPath(client: ApiClient, rawPath: string): Promise<EnvVariable[]> {
  const recursive = rawPath.endsWith('/*');
  const path = sanitizePath(recursive ? rawPath.slice(0, -2) : rawPath);
  const mount = await kvPreflight(client, path);
  const v2 = mount.version === 2;
  const mountPath = mount.mountPath.replace(/\/$/, '');
  const below = (p: string): string => (mountPath && p.startsWith(mountPath) ? p.slice(mountPath.length).replace(/^\/+/, '') : p);
  const secretPaths: string[] = [];
  if (recursive) {
    const walk = async (folder: string): Promise<void> => {
      const listPath = v2 ? addPrefixToKvPath(folder, mount.mountPath, 'metadata') : folder;
      const listed = await client.list(listPath);
      const keys = Array.isArray(listed?.data?.keys) ? (listed!.data!.keys as string[]) : [];
      for (const key of [...keys].sort()) {
        const child = joinPath(folder, key);
        if (key.endsWith('/')) await walk(child);
        else secretPaths.push(child);
      }
    };
    await walk(path);
  } else {
    secretPaths.push(path);
  }
  const out: EnvVariable[] = [];
  for (const secretPath of secretPaths) {
    const apiPath = v2 ? addPrefixToKvPath(secretPath, mount.mountPath, 'data') : secretPath;
    for (const key of await keysOf(client, apiPath, v2)) {
      out.push({ name: envVariableName(below(secretPath), key), apiPath, key, v2 });
    }
  }
  return out;
}

const hclString = (s: string): string => JSON.stringify(s);

export function renderEnvTemplateConfig(address: string, tokenFile: string, command: string[], variables: EnvVariable[]): string {
  const templates = [...variables]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((v) => {
      const field = v.v2 ? `.Data.data.${v.key}` : `.Data.${v.key}`;
      const contents = /^[A-Za-z_][A-Za-z0-9_]*$/.test(v.key)
        ? `{{ with secret "${v.apiPath}" }}{{ ${field} }}{{ end }}`
        : `{{ with secret "${v.apiPath}" }}{{ index ${v.v2 ? '.Data.data' : '.Data'} "${v.key}" }}{{ end }}`;
      return `env_template ${hclString(v.name)} {\n  contents             = ${hclString(contents)}\n  error_on_missing_key = true\n}\n`;
    })
    .join('');
  return `auto_auth {

  method {
    type = "token_file"

    config {
      token_file_path = ${hclString(tokenFile)}
    }
  }
}

template_config {
  static_secret_render_interval = "5m"
  exit_on_retry_failure         = true
  max_connections_per_host      = 10
}

vault {
  address = ${hclString(address)}
}

${templates}
exec {
  command                   = [${command.map(hclString).join(', ')}]
  restart_on_secret_changes = "always"
  restart_stop_signal       = "SIGTERM"
}
`;
}
