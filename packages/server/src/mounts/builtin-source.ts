import { CofferError, ownValue, type BackendFactory } from '@coffer/sdk';
import { builtinPlugins } from '@coffer/builtin';
import type { BackendSource } from './backend-source.js';
import type { MountEntry } from './mount-entry.js';

/** Backends that only the core can build (they reach into core state): sys/ and auth/token/. */
export type CoreBackends = Partial<Record<string, BackendFactory>>;

export const CORE_VERSION = '0.1.0';

/** Vault's older names for built-in engines: a mount keeps the name it was given and runs the engine it stands for. */
const MOUNT_TYPE_ALIASES: Readonly<Record<string, string>> = { generic: 'kv' };

/** The built-in engine a mount type names ("generic" → "kv"). */
export function builtinTypeName(type: string): string {
  return Object.hasOwn(MOUNT_TYPE_ALIASES, type) ? MOUNT_TYPE_ALIASES[type]! : type;
}

/** Resolves mounts to the built-in engines and auth methods (no catalog). */
export function builtinSource(core: CoreBackends): BackendSource {
  return {
    async create(entry: MountEntry, conf) {
      const coreFactory = ownValue(core, entry.type);
      if (coreFactory) return { backend: await coreFactory(conf), runningVersion: `v${CORE_VERSION}+builtin.vault`, runningSha256: '' };
      const kind = entry.table === 'auth' ? 'auth' : 'secret';
      const name = builtinTypeName(entry.type);
      const plugin = builtinPlugins.find((p) => p.name === name && p.type === kind);
      if (!plugin) throw new CofferError('invalid_request', `plugin not found in the catalog: ${entry.type}`);
      return { backend: await plugin.factory(conf), runningVersion: `v${plugin.version}+builtin`, runningSha256: '' };
    },
    async checkVersion(entry: MountEntry, version: string) {
      if (version === '') return '';
      const own = ownValue(core, entry.type) ? `v${CORE_VERSION}+builtin.vault` : builtinVersionOf(entry);
      // Without a catalog only the built-in's own version exists; it is recorded as '' (the built-in), as Vault does.
      if (own !== undefined && (version === own || `v${version}` === own)) return '';
      throw new CofferError('invalid_request', `plugin version "${version}" of ${entry.type} not found: only the built-in version ${own ?? ''} exists on this server`.trim());
    },
  };
}

function builtinVersionOf(entry: MountEntry): string | undefined {
  const kind = entry.table === 'auth' ? 'auth' : 'secret';
  const name = builtinTypeName(entry.type);
  const plugin = builtinPlugins.find((p) => p.name === name && p.type === kind);
  return plugin ? `v${plugin.version}+builtin` : undefined;
}

export function isBuiltinType(kind: 'secret' | 'auth', type: string): boolean {
  const name = kind === 'secret' ? builtinTypeName(type) : type;
  return builtinPlugins.some((p) => !p.hidden && p.name === name && p.type === kind);
}
