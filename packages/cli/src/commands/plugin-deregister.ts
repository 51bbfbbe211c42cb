import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { catalogPath } from '../plugin/catalog.js';
import { pluginTarget } from '../plugin/target.js';

export const pluginDeregisterCommand: Command = {
  name: 'plugin deregister',
  synopsis: 'Deregister an existing plugin in the catalog',
  help: `
Usage: ${CLI_NAME} plugin deregister [options] TYPE NAME

  Deregister an existing plugin in the catalog. If the plugin does not exist,
  no action is taken (the command is idempotent). The argument of type takes
  "auth", "database", or "secret".

  Deregister the unversioned auth plugin named my-custom-plugin:

      $ ${CLI_NAME} plugin deregister auth my-custom-plugin

  Deregister the auth plugin named my-custom-plugin, version 1.0.0:

      $ ${CLI_NAME} plugin deregister -version=v1.0.0 auth my-custom-plugin`,
  flagSets: ['http'],
  flags: [
    {
      name: 'version',
      kind: 'string',
      usage: 'Semantic version of the plugin to deregister. If unset, only an unversioned plugin may be deregistered.',
    },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '1, or 2', 1, 2);
    if (usage !== undefined) return usage;
    const target = pluginTarget(ctx);
    if (typeof target === 'number') return target;
    const { client, type, name } = target;
    const version = (ctx.flags.string('version') ?? '').trim();
    if (version && !/^v?\d+(\.\d+){0,2}([-+][0-9A-Za-z.+-]*)?$/.test(version)) {
      ctx.ui.error(`version ${JSON.stringify(version)} is not a valid semantic version`);
      return 2;
    }
    try {
      await client.request('DELETE', catalogPath(type, name), version ? { query: { version } } : {});
    } catch (err) {
      return apiFailure(ctx, `Error deregistering plugin named ${name}`, err);
    }
    ctx.ui.output(`Success! Deregistered plugin (if it was registered): ${name}`);
    return 0;
  },
};
