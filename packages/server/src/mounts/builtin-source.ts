import { CofferError, type BackendFactory } from '@coffer/sdk';
import { builtinPlugins } from '@coffer/builtin';
import type { BackendSource } from './backend-source.js';
import type { MountEntry } from './mount-entry.js';

/** Backends that only the core can build (they reach into core state): sys/ and auth/token/. */
export type CoreBackends = Partial<Record<string, BackendFactory>>;

export const CORE_VERSION = '0.1.0';

/** Resolves mounts to the built-in engines and auth methods (no catalog). */
export function builtinSource(core: CoreBackends): BackendSource {
  return {
    async create(entry: MountEntry, conf) {
      const coreFactory = core[entry.type];
      if (coreFactory) return { backend: await coreFactory(conf), runningVersion: `v${CORE_VERSION}+builtin.vault`, runningSha256: '' };
      const kind = entry.table === 'auth' ? 'auth' : 'secret';
      const plugin = builtinPlugins.find((p) => p.name === entry.type && p.type === kind);
      if (!plugin) throw new CofferError('invalid_request', `plugin not found in the catalog: ${entry.type}`);
      return { backend: await plugin.factory(conf), runningVersion: `v${plugin.version}+builtin`, runningSha256: '' };
    },
  };
}

export function isBuiltinType(kind: 'secret' | 'auth', type: string): boolean {
  return builtinPlugins.some((p) => !p.hidden && p.name === type && p.type === kind);
}
