import { loadConfig } from '../config/index.js';
import { runPluginMetadata } from '../plugin-runtime/index.js';
import { checkDeclaration, type PluginDeclaration } from './declared-plugins.js';
import { PluginDirectory } from './plugin-directory.js';

export interface DeclarationCheck {
  type: string;
  name: string;
  version: string;
  command: string;
  declaredAt: string;
  /** Set when the declaration would be registered at unseal. */
  ok: boolean;
  /** Why not (the message the server would log). */
  error?: string;
  /** What could not be checked here. */
  note?: string;
}

export interface DeclarationsReport {
  /** The plugin directory checked against (the -directory override, else plugin_directory). */
  directory?: string;
  /** Config warnings (unknown keys in a plugin stanza…). */
  warnings: string[];
  checks: DeclarationCheck[];
}

/**
 * `coffer plugin init -config=…`: the server's own checks of every declared
 * plugin (inside plugin_directory, sha256, type and version reported by the
 * binary), without starting a server or touching its storage. Config errors
 * throw, as they would stop the server.
 */
export async function checkDeclaredPlugins(configPaths: string[], options: { directory?: string } = {}): Promise<DeclarationsReport> {
  const { config, warnings } = await loadConfig(configPaths);
  const path = options.directory ?? config.pluginDirectory;
  const directory = new PluginDirectory(path);
  const inspect = (command: string, args: readonly string[], env: readonly string[], name: string) => runPluginMetadata(command, args, [...env], { name });
  const checks: DeclarationCheck[] = [];
  for (const { sourceFile, line, ...declared } of config.plugins) {
    // Runtimes live in the server's storage: the binary is checked here without its limits.
    const { runtime, ...declaration }: PluginDeclaration = declared;
    const check: DeclarationCheck = {
      type: declared.type,
      name: declared.name,
      version: declared.version,
      command: declared.command,
      declaredAt: line === undefined ? sourceFile : `${sourceFile} line ${line}`,
      ok: true,
      ...(runtime ? { note: `plugin runtime "${runtime}" is checked at unseal (runtimes are in the server's storage)` } : {}),
    };
    try {
      // An image declaration's command is where its binary was pulled to.
      check.command = (await checkDeclaration(declaration, { directory, inspect })).command;
    } catch (err) {
      check.ok = false;
      check.error = err instanceof Error ? err.message : String(err);
    }
    checks.push(check);
  }
  return { ...(path ? { directory: path } : {}), warnings, checks };
}
