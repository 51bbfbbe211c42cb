import { CofferError, type PathDefinition, type Response } from '@coffer/sdk';
import type { PluginCatalog } from './catalog.js';
import { checkPluginName, parsePluginType } from './plugin-type.js';

/** sys/plugins/pins…: pin the version every mount of a plugin runs (takes effect on reload). */
export function pinPaths(deps: { catalog: () => PluginCatalog }): PathDefinition[] {
  const listPins = async (): Promise<Response> => ({ data: { pinned_versions: await deps.catalog().pins.all() } });
  return [
    {
      pattern: 'plugins/pins/?',
      operations: { read: listPins, list: listPins },
      helpSynopsis: 'Lists the pinned plugin versions.',
    },
    {
      pattern: 'plugins/pins/(?<type>auth|database|secret)/(?<name>.+)',
      fields: {
        type: { type: 'string', description: 'The plugin type: "auth", "database" or "secret".' },
        name: { type: 'string', description: 'The plugin name.' },
        version: { type: 'string', description: 'The registered version to pin, e.g. "v1.0.0".' },
      },
      operations: {
        update: async (_req, d) => {
          await deps.catalog().setPin(parsePluginType(d.get<string>('type')), checkPluginName(d.get<string>('name')), d.get<string>('version'));
          return null;
        },
        read: async (_req, d) => {
          const pin = await deps.catalog().pins.get(parsePluginType(d.get<string>('type')), checkPluginName(d.get<string>('name')));
          if (!pin) throw new CofferError('not_found', '');
          return { data: { ...pin } };
        },
        delete: async (_req, d) => {
          await deps.catalog().pins.delete(parsePluginType(d.get<string>('type')), checkPluginName(d.get<string>('name')));
          return null;
        },
      },
      helpSynopsis: 'Creates, reads or deletes the pinned version of one plugin.',
      helpDescription: 'A pin makes every mount of the plugin run that version, whatever version the mount asked for; reload the plugin for it to take effect. A pinned version cannot be deregistered until the pin is deleted.',
    },
  ];
}
