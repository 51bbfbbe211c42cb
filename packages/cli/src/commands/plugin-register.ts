import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { catalogPath } from '../plugin/catalog.js';
import { pluginTarget } from '../plugin/target.js';

export const pluginRegisterCommand: Command = {
  name: 'plugin register',
  synopsis: 'Registers a new plugin in the catalog',
  help: `
Usage: ${CLI_NAME} plugin register [options] TYPE NAME

  Registers a new plugin in the catalog. The plugin binary must exist in the
  server's configured plugin directory. The argument of type takes "auth",
  "database", or "secret".

  Register the plugin named my-custom-plugin:

      $ ${CLI_NAME} plugin register -sha256=d3f0a8b... -version=v1.0.0 auth my-custom-plugin

  Register a plugin with custom arguments and environment:

      $ ${CLI_NAME} plugin register \\
          -sha256=d3f0a8b... \\
          -version=v1.0.0 \\
          -args=--with-glibc,--with-cgo \\
          -env=LOG_FORMAT=json \\
          auth my-custom-plugin`,
  flagSets: ['http'],
  flags: [
    {
      name: 'args',
      kind: 'slice',
      usage: 'Argument to pass to the plugin when starting. This flag can be specified multiple times or as a comma-separated list to specify multiple args.',
    },
    {
      name: 'command',
      kind: 'string',
      usage: 'Command to spawn the plugin, relative to the plugin directory. This defaults to the name of the plugin.',
    },
    {
      name: 'sha256',
      kind: 'string',
      usage: 'SHA256 of the plugin binary. This is required for all plugins.',
    },
    {
      name: 'version',
      kind: 'string',
      usage: 'Semantic version of the plugin. Optional.',
    },
    {
      name: 'runtime',
      kind: 'string',
      usage: 'Name of a plugin runtime (see "plugin runtime register") to run the plugin in. Optional.',
    },
    {
      name: 'env',
      kind: 'list',
      usage: 'Environment variable (KEY=VALUE) to set for the plugin when starting. This flag can be specified multiple times to specify multiple environment variables.',
    },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '1 or 2', 1, 2);
    if (usage !== undefined) return usage;
    const sha256 = ctx.flags.string('sha256') ?? '';
    if (sha256 === '') {
      ctx.ui.error('SHA256 is required for all plugins, please provide -sha256');
      return 1;
    }
    const target = pluginTarget(ctx);
    if (typeof target === 'number') return target;
    const { client, type, name } = target;
    const body: Record<string, unknown> = {
      type,
      command: ctx.flags.string('command') || name,
      sha256,
    };
    const args = ctx.flags.list('args');
    if (args.length > 0) body.args = args;
    const version = ctx.flags.string('version') ?? '';
    if (version) body.version = version;
    const env = ctx.flags.list('env');
    if (env.length > 0) body.env = env;
    const runtime = ctx.flags.string('runtime') ?? '';
    if (runtime) body.runtime = runtime;

    let response;
    try {
      response = await client.secret('PUT', catalogPath(type, name), { body });
    } catch (err) {
      return apiFailure(ctx, `Error registering plugin ${name}`, err);
    }
    const warnings = response?.warnings ?? [];
    if (warnings.length > 0) {
      ctx.ui.warn(`Warnings while registering plugin ${name}: ${warnings.join('\n\n')}\n`);
    }
    ctx.ui.output(`Success! Registered plugin: ${name}`);
    return 0;
  },
};
