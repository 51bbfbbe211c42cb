import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';
import { parsePluginType } from '../plugin/catalog.js';

export const pluginReloadCommand: Command = {
  name: 'plugin reload',
  synopsis: 'Reload mounted plugin backend',
  help: `
Usage: ${CLI_NAME} plugin reload [options]

  Reloads mounted plugins. Either the plugin name (-plugin) or the desired
  plugin mounts (-mounts) must be provided, but not both. Requests in flight
  on the old plugin process finish before it is stopped; new requests go to
  the new process as soon as it is ready.

  Reload the plugin named my-custom-plugin:

      $ ${CLI_NAME} plugin reload -plugin=my-custom-plugin

  Reload the plugins mounted at my-secrets/ and other/:

      $ ${CLI_NAME} plugin reload -mounts=my-secrets/,other/

  Reload on every node of a cluster (prints a reload ID):

      $ ${CLI_NAME} plugin reload -plugin=my-custom-plugin -scope=global`,
  flagSets: ['http'],
  flags: [
    { name: 'plugin', kind: 'string', usage: 'The name of the plugin to reload, as registered in the plugin catalog.' },
    { name: 'mounts', kind: 'slice', usage: 'Array or comma-separated string mount paths of the plugin backends to reload.' },
    { name: 'scope', kind: 'string', usage: 'The scope of the reload, omitted for local, \'global\', for replicated reloads.' },
    {
      name: 'type',
      kind: 'string',
      usage: 'The type of plugin to reload, one of auth, secret, or database. Mutually exclusive with -mounts. If not provided, all plugins with a matching name will be reloaded.',
    },
  ],
  async run(ctx) {
    const plugin = ctx.flags.string('plugin') ?? '';
    const mounts = ctx.flags.list('mounts');
    const scope = ctx.flags.string('scope') ?? '';
    const typeText = (ctx.flags.string('type') ?? '').trim();
    if (ctx.args.length !== 0) {
      ctx.ui.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
      return 1;
    }
    if (plugin === '' && mounts.length === 0) {
      ctx.ui.error('No plugins specified, must specify exactly one of -plugin or -mounts');
      return 1;
    }
    if (plugin !== '' && mounts.length > 0) {
      ctx.ui.error('Must specify exactly one of -plugin or -mounts');
      return 1;
    }
    if (scope !== '' && scope !== 'global') {
      ctx.ui.error(`Invalid reload scope: ${scope}`);
      return 1;
    }
    if (mounts.length > 0 && typeText !== '') {
      ctx.ui.error('Cannot specify -type with -mounts');
      return 1;
    }
    let path = 'sys/plugins/reload/backend';
    const body: Record<string, unknown> = {};
    if (scope) body.scope = scope;
    if (typeText !== '') {
      let type;
      try {
        type = parsePluginType(typeText);
      } catch (err) {
        ctx.ui.error(
          `Error parsing -type as a plugin type, must be unset or one of auth, secret, or database: ${(err as Error).message}`,
        );
        return 1;
      }
      path = `sys/plugins/reload/${type}/${plugin}`;
    } else if (mounts.length > 0) {
      body.mounts = mounts;
    } else {
      body.plugin = plugin;
    }
    let reloadId = '';
    try {
      const secret = await ctx.client().secret('PUT', path, { body });
      // As Vault's client does: only a global reload reports its reload_id (a local one is done when it returns).
      if (scope === 'global') reloadId = String(secret?.data?.reload_id ?? '');
    } catch (err) {
      return apiFailure(ctx, 'Error reloading plugin/mounts', err);
    }
    if (mounts.length > 0) {
      // Mount lists print the way Go prints a []string.
      const list = `[${mounts.join(' ')}]`;
      ctx.ui.output(reloadId ? `Success! Reloading mounts: ${list}, reload_id: ${reloadId}` : `Success! Reloaded mounts: ${list}`);
    } else {
      ctx.ui.output(reloadId ? `Success! Reloading plugin: ${plugin}, reload_id: ${reloadId}` : `Success! Reloaded plugin: ${plugin}`);
    }
    return 0;
  },
};
