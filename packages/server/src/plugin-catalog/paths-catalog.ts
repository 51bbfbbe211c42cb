import { CofferError, type FieldData, type PathDefinition, type Response } from '@coffer/sdk';
import type { CatalogEntry } from './catalog-entry.js';
import type { PluginCatalog, ResolvedPlugin } from './catalog.js';
import { PLUGIN_TYPES, checkPluginName, parsePluginType } from './plugin-type.js';
import type { RegistrationInput } from './registration.js';

export interface CatalogPathDeps {
  catalog: () => PluginCatalog;
  /** Checks and stores a registration (see registration.ts). */
  register: (input: RegistrationInput) => Promise<CatalogEntry>;
}

const registerFields = {
  type: { type: 'string', description: 'The plugin type: "auth", "database" or "secret".' },
  name: { type: 'string', description: 'The name the plugin is registered and mounted under.' },
  sha256: { type: 'string', description: 'Hex SHA-256 of the plugin binary; checked before every launch.' },
  sha_256: { type: 'string', description: 'Deprecated spelling of sha256.', deprecated: true },
  command: { type: 'string', description: 'The binary, relative to plugin_directory.' },
  args: { type: 'string-slice', description: 'Arguments to run the binary with.' },
  env: { type: 'string-slice', description: 'Environment variables for the plugin process, as KEY=value. Never returned by reads.' },
  version: { type: 'string', description: 'Semantic version of the plugin ("v1.2.3"); a read or delete with ?version= addresses that version.', query: true },
  runtime: { type: 'string', description: 'A registered plugin runtime (sys/plugins/runtimes/catalog) to run the plugin in.' },
} as const;

/** sys/plugins/catalog…: list, register, read and deregister plugins, as Vault's API does. */
export function catalogPaths(deps: CatalogPathDeps): PathDefinition[] {
  const listAll = async (): Promise<Response> => {
    const catalog = deps.catalog();
    const data: Record<string, unknown> = {};
    for (const type of PLUGIN_TYPES) {
      const names = await catalog.names(type);
      if (names.length > 0) data[type] = names;
    }
    const detailed = await catalog.detailed();
    if (detailed.length > 0) data['detailed'] = detailed;
    return { data };
  };

  const register = async (d: FieldData, typed: boolean): Promise<Response | null> => {
    await deps.register({
      type: typed ? parsePluginType(d.get<string>('type')) : undefined,
      name: d.get<string>('name'),
      command: d.get<string>('command'),
      args: d.get<string[]>('args') ?? [],
      env: d.get<string[]>('env') ?? [],
      sha256: d.get<string>('sha256') || d.get<string>('sha_256'),
      version: d.get<string>('version'),
      runtime: d.get<string>('runtime') ?? '',
    });
    return null;
  };

  return [
    {
      pattern: 'plugins/catalog/?',
      operations: { read: listAll },
      helpSynopsis: 'Lists every plugin in the catalog, by type, with the details of each version.',
    },
    {
      pattern: 'plugins/catalog/(?<type>auth|database|secret)/?',
      fields: { type: registerFields.type },
      operations: {
        list: async (_req, d) => ({ data: { keys: await deps.catalog().names(parsePluginType(d.get<string>('type'))) } }),
      },
      helpSynopsis: 'Lists the plugins of one type.',
    },
    {
      pattern: 'plugins/catalog/(?<type>auth|database|secret)/(?<name>.+)',
      fields: registerFields,
      operations: {
        update: (_req, d) => register(d, true),
        read: async (_req, d) => {
          const type = parsePluginType(d.get<string>('type'));
          const found = await deps.catalog().get(type, checkPluginName(d.get<string>('name')), d.get<string>('version'));
          if (!found) throw new CofferError('not_found', '');
          return { data: pluginView(found) };
        },
        delete: async (_req, d) => {
          const type = parsePluginType(d.get<string>('type'));
          const { warning } = await deps.catalog().deregister(type, checkPluginName(d.get<string>('name')), d.get<string>('version'));
          return warning ? { warnings: [warning] } : null;
        },
      },
      helpSynopsis: 'Registers, reads or deregisters one plugin of the catalog.',
      helpDescription:
        'Registration checks the binary before storing anything: it must be inside plugin_directory, match the sha256 given, and, run once, report the type (and version, when one is given) it is registered as.',
    },
    {
      // Before plugin types existed (Vault < 0.10.4) plugins were addressed by name only.
      pattern: 'plugins/catalog/(?<name>.+)',
      fields: registerFields,
      operations: {
        update: (_req, d) => register(d, false),
        read: async (_req, d) => ({ warnings: [`Deprecated API endpoint, cannot read plugin information from catalog for "${d.get<string>('name')}": use sys/plugins/catalog/:type/:name`] }),
        delete: async (_req, d) => ({ warnings: [`Deprecated API endpoint, cannot deregister plugin from catalog for "${d.get<string>('name')}": use sys/plugins/catalog/:type/:name`] }),
      },
      helpSynopsis: 'Deprecated: registers a plugin by name only (its type is taken from the binary).',
    },
  ];
}

/** A plugin as sys/plugins/catalog/:type/:name shows it. `env` is never shown: it may hold secrets. */
export function pluginView(plugin: ResolvedPlugin): Record<string, unknown> {
  if (plugin.builtin) {
    return { name: plugin.name, args: [], command: '', sha256: '', builtin: true, version: plugin.version, deprecation_status: plugin.deprecationStatus };
  }
  const { entry } = plugin;
  return { name: entry.name, args: entry.args, command: entry.command, sha256: entry.sha256, builtin: false, version: entry.version, ...(entry.runtime ? { runtime: entry.runtime } : {}) };
}
