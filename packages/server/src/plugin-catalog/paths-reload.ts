import { CofferError, type FieldData, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import { reloadFailure, type PluginReloadService, type ReloadAsk } from './plugin-reload.js';
import { checkPluginName, type PluginType } from './plugin-type.js';

const scopeField = { type: 'string', description: 'Omit to reload on this node; "global" to reload on every node of the cluster.' } as const;

/** sys/plugins/reload…: reload plugins behind their mounts without dropping a request. */
export function reloadPaths(deps: { reloads: () => PluginReloadService }): PathDefinition[] {
  const run = async (req: Request, ask: Omit<ReloadAsk, 'scope' | 'reloadId'>, d: FieldData): Promise<Response> => {
    const scope = d.get<string>('scope');
    if (scope !== '' && scope !== 'global') throw new CofferError('invalid_request', "reload scope must be omitted or 'global'");
    const report = await deps.reloads().reload({ ...ask, scope, reloadId: req.id });
    const failure = reloadFailure(report);
    if (failure) throw failure;
    const resp: Response = { data: { reload_id: report.reload_id } };
    if (report.reloaded === 0) resp.warnings = ['no plugins were reloaded on this node: no mount uses the plugin (or names given)'];
    // Vault answers a global reload with 202 Accepted: other nodes apply it later.
    if (scope === 'global') resp.statusCode = 202;
    return resp;
  };

  return [
    {
      pattern: 'plugins/reload/backend/status',
      fields: { reload_id: { type: 'string', description: 'The reload_id a reload returned.', query: true, required: true } },
      operations: {
        read: async (_req, d) => {
          const id = d.get<string>('reload_id');
          if (!id) throw new CofferError('invalid_request', 'reload_id must be provided');
          // Reload ids are request ids (UUIDs); the id names a storage key, so anything else is refused here.
          if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new CofferError('invalid_request', `invalid reload_id "${id}": a reload id is the UUID a reload returned`);
          const status = await deps.reloads().status(id);
          if (!status) throw new CofferError('not_found', '');
          return { data: status };
        },
      },
      helpSynopsis: 'Reads the per-node results of a plugin reload.',
    },
    {
      pattern: 'plugins/reload/backend',
      fields: {
        plugin: { type: 'string', description: 'The name of the plugin to reload, as registered in the catalog.' },
        mounts: { type: 'comma-string-slice', description: 'Mount paths to reload (array or comma-separated).' },
        scope: scopeField,
      },
      operations: {
        update: async (req, d) => {
          const plugin = d.get<string>('plugin');
          const mounts = d.get<string[]>('mounts') ?? [];
          if (plugin && mounts.length > 0) throw new CofferError('invalid_request', 'plugin and mounts cannot be set at the same time');
          if (!plugin && mounts.length === 0) throw new CofferError('invalid_request', 'plugin or mounts must be provided');
          return run(req, plugin ? { plugin, type: 'unknown' } : { mounts }, d);
        },
      },
      helpSynopsis: 'Reloads every mount of a plugin, or the mounts named.',
      helpDescription: 'New requests go to the new backend at once; requests already running finish on the old one, which is then stopped. A mount whose new backend cannot start keeps serving with the old one, and the reload reports the error.',
    },
    {
      pattern: 'plugins/reload/(?<type>auth|database|secret|unknown)/(?<name>.+)',
      fields: {
        type: { type: 'string', description: 'The plugin type, or "unknown" for every type.' },
        name: { type: 'string', description: 'The plugin name.' },
        scope: scopeField,
      },
      operations: {
        update: async (req, d) => run(req, { plugin: checkPluginName(d.get<string>('name')), type: d.get<string>('type') as PluginType | 'unknown' }, d),
      },
      helpSynopsis: 'Reloads every mount of the named plugin of one type.',
    },
  ];
}
