import { CofferError, isCofferError } from '@coffer/sdk';
import type { PluginMetadata, ProcessLimits } from '../plugin-runtime/index.js';
import type { CatalogEntry } from './catalog-entry.js';
import type { PluginDirectory } from './plugin-directory.js';
import { checkPluginName, type PluginType } from './plugin-type.js';
import { canonicalVersion, isBuiltinVersion } from './plugin-version.js';
import { parseSha256, verifySha256 } from './sha256.js';

/** What `PUT sys/plugins/catalog/:type/:name` carries. */
export interface RegistrationInput {
  /** Undefined on the legacy untyped endpoint: the binary then says what it is. */
  type?: PluginType;
  name: string;
  command: string;
  args: string[];
  env: string[];
  sha256: string;
  version: string;
  /** A registered plugin runtime to run it in ('' or absent: none). */
  runtime?: string;
}

/** Runs a binary once (inside its plugin runtime, when it has one) and asks what it is (the runtime's runPluginMetadata). */
export type PluginInspector = (command: string, args: readonly string[], env: readonly string[], name: string, runtime?: ProcessLimits) => Promise<PluginMetadata>;

/** Finds the limits of the runtime a registration names (throws a 400 when it cannot be used). */
export type RuntimeResolver = (runtime: string) => Promise<ProcessLimits>;

/**
 * Checks a registration the way an operator would want it checked before
 * anything is stored: the command is inside plugin_directory, the file's
 * sha256 is the one given, and the binary, run once, speaks the protocol
 * and is the type and version the registration claims.
 */
export async function prepareRegistration(
  input: RegistrationInput,
  deps: { directory: PluginDirectory; inspect: PluginInspector; resolveRuntime?: RuntimeResolver },
): Promise<CatalogEntry> {
  const name = checkPluginName(input.name);
  const version = canonicalVersion(input.version);
  if (isBuiltinVersion(version)) {
    throw new CofferError('invalid_request', `version "${version}" is not allowed: "builtin" is reserved build metadata for the plugins compiled into the server`);
  }
  const sha256 = parseSha256(input.sha256);
  const { command, args } = splitCommand(input.command, input.args);
  const env = checkEnv(input.env);

  const runtime = (input.runtime ?? '').trim();
  let limits: ProcessLimits | undefined;
  if (runtime !== '') {
    if (!deps.resolveRuntime) throw new CofferError('invalid_request', 'plugin runtimes are not available on this server');
    limits = await deps.resolveRuntime(runtime);
  }

  const path = await deps.directory.resolve(command);
  await verifySha256(path, sha256, name);

  let meta: PluginMetadata;
  try {
    meta = await deps.inspect(path, args, env, name, limits);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = isCofferError(err) && err.code === 'sealed' ? 'sealed' : 'invalid_request';
    throw new CofferError(code, `cannot register plugin "${name}": ${message}`);
  }

  const type = input.type ?? meta.type;
  if (meta.type !== type) {
    throw new CofferError(
      'invalid_request',
      `plugin binary "${command}" is ${describe(meta.type)}, but it was registered as type "${type}": register it with type "${meta.type}"`,
    );
  }
  const reported = safeCanonical(meta.version);
  if (version !== '' && reported !== '' && reported !== version) {
    throw new CofferError(
      'invalid_request',
      `plugin version mismatch: the binary "${command}" reports version ${reported}, but the registration says ${version}: register it with version=${reported}, or register the binary that is ${version}`,
    );
  }
  return { name, type, version, command, args, env, sha256, ...(runtime !== '' ? { runtime } : {}) };
}

/** As in Vault, "cmd --flag" is accepted as command plus args, but not together with args. */
function splitCommand(command: string, args: string[]): { command: string; args: string[] } {
  const parts = command.trim().split(' ').filter((p) => p !== '');
  if (parts.length === 0) throw new CofferError('invalid_request', 'missing command value: give the file name of the plugin binary inside plugin_directory');
  if (parts.length > 1 && args.length > 0) throw new CofferError('invalid_request', 'must not specify args in command and args field');
  return { command: parts[0]!, args: parts.length > 1 ? parts.slice(1) : args };
}

/** Env entries are "KEY=value"; the values may be secrets, so errors never repeat them. */
function checkEnv(env: string[]): string[] {
  env.forEach((item, i) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(item)) {
      throw new CofferError('invalid_request', `env entry ${i + 1} is not of the form KEY=value`);
    }
  });
  return env;
}

function safeCanonical(version: string): string {
  try {
    return canonicalVersion(version);
  } catch {
    return '';
  }
}

function describe(type: PluginType): string {
  return type === 'auth' ? 'an auth method plugin ("auth")' : type === 'database' ? 'a database plugin ("database")' : 'a secrets engine plugin ("secret")';
}
