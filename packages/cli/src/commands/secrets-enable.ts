import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { ensureTrailingSlash } from '../kv/paths.js';
import { CONFIG_FLAGS, DESCRIPTION_FLAG, ENABLE_FLAGS, mountConfig, mountOptions, TTL_FLAGS } from '../mounts/flags.js';

export const secretsEnableCommand: Command = {
  name: 'secrets enable',
  synopsis: 'Enable a secrets engine',
  help: `
Usage: ${CLI_NAME} secrets enable [options] TYPE

  Enables a secrets engine. By default, secrets engines are enabled at the path
  corresponding to their TYPE, but users can customize the path using the
  -path option.

  Once enabled, the server will route all requests which begin with the path
  to the secrets engine.

  Enable the AWS secrets engine at aws/:

      $ ${CLI_NAME} secrets enable aws

  Enable the KV version 2 engine at secret/:

      $ ${CLI_NAME} secrets enable -path=secret -version=2 kv

  Enable a custom plugin (after it is registered in the plugin catalog):

      $ ${CLI_NAME} secrets enable -path=my-secrets -plugin-name=my-plugin plugin`,
  flagSets: ['http'],
  flags: [
    DESCRIPTION_FLAG,
    {
      name: 'path',
      kind: 'string',
      usage: 'Place where the secrets engine will be accessible. This must be unique cross all secrets engines. This defaults to the "type" of the secrets engine.',
    },
    ...TTL_FLAGS,
    {
      name: 'force-no-cache',
      kind: 'bool',
      usage: 'Force the secrets engine to disable caching.',
    },
    ...CONFIG_FLAGS,
    ...ENABLE_FLAGS,
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const engineType = ctx.args[0]!.trim();
    const pluginName = ctx.flags.string('plugin-name') ?? '';
    const mountPath = ensureTrailingSlash(ctx.flags.string('path') || (engineType === 'plugin' ? pluginName : engineType));

    let type = engineType === 'plugin' ? pluginName : engineType;
    const options = mountOptions(ctx) ?? {};
    // "kv-v2" is the kv engine with versioning on.
    if (type === 'kv-v2') {
      type = 'kv';
      options.version ??= '2';
    }
    const body: Record<string, unknown> = {
      type,
      description: ctx.flags.string('description') ?? '',
      config: mountConfig(ctx),
      local: ctx.flags.bool('local'),
      seal_wrap: ctx.flags.bool('seal-wrap'),
      external_entropy_access: ctx.flags.bool('external-entropy-access'),
    };
    if (Object.keys(options).length > 0) body.options = options;
    const pluginVersion = ctx.flags.string('plugin-version') ?? '';
    if (pluginVersion) body.plugin_version = pluginVersion;

    try {
      await ctx.client().request('POST', `sys/mounts/${mountPath}`, { body });
    } catch (err) {
      return apiFailure(ctx, 'Error enabling', err);
    }
    let thing = engineType === 'plugin' ? `${pluginName} plugin` : `${engineType} secrets engine`;
    if (pluginVersion) thing += ` version ${pluginVersion}`;
    ctx.ui.output(`Success! Enabled the ${thing} at: ${mountPath}`);
    return 0;
  },
};
