import { CofferError, type OpenedDatabasePlugin } from '@coffer/sdk';
import type { PluginCatalog } from './catalog.js';
import type { ProcessPool } from './process-pool.js';

export type { OpenedDatabasePlugin };

/**
 * For the database secrets engine: opens one connection of the external
 * database plugin `name` (pins and versions resolved as for mounts). Null
 * when the name is not an external plugin (a built-in, or unknown): the
 * engine then uses its own built-in plugins. Processes are shared and the
 * sha256 is checked before each launch, exactly as for mounts.
 */
export async function openDatabasePlugin(deps: { catalog: PluginCatalog; pool: ProcessPool }, name: string, version = ''): Promise<OpenedDatabasePlugin | null> {
  const plugin = await deps.catalog.resolveForMount('database', name, version);
  if (!plugin || plugin.builtin) return null;
  const holder = {};
  const process = await deps.pool.acquire(plugin.entry, holder);
  const database = process.dispenseDatabase();
  let closed = false;
  return {
    database,
    version: plugin.entry.version,
    sha256: plugin.entry.sha256,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await database.close();
      } catch (err) {
        throw new CofferError('internal', `closing database plugin "${name}" failed: ${(err as Error).message}`);
      } finally {
        await deps.pool.release(process, holder);
      }
    },
  };
}
