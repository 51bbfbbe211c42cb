import { readdir } from 'node:fs/promises';
import type { Logger } from '@coffer/sdk';
import type { PluginCatalog } from './catalog.js';
import type { PluginDirectory } from './plugin-directory.js';
import type { PluginType } from './plugin-type.js';
import { fileSha256 } from './sha256.js';
import { prepareRegistration, type PluginInspector } from './registration.js';

export interface DevPluginReport {
  registered: { name: string; type: PluginType; version: string; sha256: string }[];
  failed: { name: string; error: string }[];
}

/**
 * `server -dev -dev-plugin-dir=DIR`: every executable in DIR is registered
 * under its file name, unversioned, as Vault's dev mode does. Each binary
 * is run once to learn its type; its sha256 is computed here (dev mode
 * trusts the directory it was pointed at). A file that is not a plugin is
 * reported and skipped.
 */
export async function registerDevPlugins(deps: { directory: PluginDirectory; catalog: PluginCatalog; inspect: PluginInspector; logger: Logger }): Promise<DevPluginReport> {
  const report: DevPluginReport = { registered: [], failed: [] };
  const dir = await deps.directory.realDirectory();
  const files = (await readdir(dir, { withFileTypes: true })).filter((f) => f.isFile() || f.isSymbolicLink()).map((f) => f.name).sort();
  for (const name of files) {
    try {
      const path = await deps.directory.resolve(name);
      const entry = await prepareRegistration(
        { name, command: name, args: [], env: [], sha256: await fileSha256(path), version: '' },
        { directory: deps.directory, inspect: deps.inspect },
      );
      await deps.catalog.register(entry);
      report.registered.push({ name, type: entry.type, version: entry.version, sha256: entry.sha256 });
      deps.logger.info({ plugin: name, type: entry.type }, 'registered dev plugin');
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      report.failed.push({ name, error });
      deps.logger.warn({ plugin: name, err: error }, 'skipped a file in the dev plugin directory');
    }
  }
  return report;
}
