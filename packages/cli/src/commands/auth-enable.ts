import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { ensureTrailingSlash } from '../kv/paths.js';
import { CONFIG_FLAGS, DESCRIPTION_FLAG, ENABLE_FLAGS, mountConfig, mountOptions, TTL_FLAGS } from '../mounts/flags.js';

export const TOKEN_TYPE_FLAG = {
  name: 'token-type',
  kind: 'string' as const,
  usage: 'Sets a forced token type for the mount ("service", "batch", "default-service" or "default-batch").',
};

export const authEnableCommand: Command = {
  name: 'auth enable',
  synopsis: 'Enables a new auth method',
  help: `
Usage: ${CLI_NAME} auth enable [options] TYPE

  Enables a new auth method. An auth method is responsible for authenticating
  users or machines and assigning them policies with which they can access
  the server.

  Enable the userpass auth method at userpass/:

      $ ${CLI_NAME} auth enable userpass

  Enable the LDAP auth method at auth-prod/:

      $ ${CLI_NAME} auth enable -path=auth-prod ldap

  Enable a custom auth plugin (after it's registered in the plugin registry):

      $ ${CLI_NAME} auth enable -path=my-auth -plugin-name=my-auth-plugin plugin`,
  flagSets: ['http'],
  flags: [
    { ...DESCRIPTION_FLAG, usage: 'Human-friendly description for the purpose of this auth method.' },
    {
      name: 'path',
      kind: 'string',
      usage: 'Place where the auth method will be accessible. This must be unique across all auth methods. This defaults to the "type" of the auth method. The auth method will be accessible at "/auth/<path>".',
    },
    ...TTL_FLAGS,
    ...CONFIG_FLAGS,
    ...ENABLE_FLAGS,
    TOKEN_TYPE_FLAG,
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '1', 1, 1);
    if (usage !== undefined) return usage;
    const authType = ctx.args[0]!.trim();
    const pluginName = ctx.flags.string('plugin-name') ?? '';
    const authPath = ensureTrailingSlash(ctx.flags.string('path') || (authType === 'plugin' ? pluginName : authType));
    const body: Record<string, unknown> = {
      type: authType === 'plugin' ? pluginName : authType,
      description: ctx.flags.string('description') ?? '',
      config: mountConfig(ctx, { 'token-type': 'token_type' }),
      local: ctx.flags.bool('local'),
      seal_wrap: ctx.flags.bool('seal-wrap'),
      external_entropy_access: ctx.flags.bool('external-entropy-access'),
    };
    const options = mountOptions(ctx);
    if (options) body.options = options;
    const pluginVersion = ctx.flags.string('plugin-version') ?? '';
    if (pluginVersion) body.plugin_version = pluginVersion;
    try {
      await ctx.client().request('POST', `sys/auth/${authPath}`, { body });
    } catch (err) {
      return apiFailure(ctx, `Error enabling ${authType} auth`, err);
    }
    let thing = authType === 'plugin' ? `${pluginName} plugin` : `${authType} auth method`;
    if (pluginVersion) thing += ` version ${pluginVersion}`;
    ctx.ui.output(`Success! Enabled ${thing} at: ${authPath}`);
    return 0;
  },
};
