import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { renderEnvTemplateConfig, variablesForPath, type EnvVariable } from '../agent/generate-config.js';

export const agentGenerateConfigCommand: Command = {
  name: 'agent generate-config',
  synopsis: 'Generate an agent configuration from secret paths',
  help: `
Usage: ${CLI_NAME} agent generate-config [options] [path/to/config.hcl]

  Generates an agent configuration file (agent.hcl by default) that runs a
  command with the keys of the given KV secrets in its environment. A path
  ending in /* takes every secret below it.

      $ ${CLI_NAME} agent generate-config \\
          -type="env-template" \\
          -exec="./my-app arg1 arg2" \\
          -path="secret/foo" \\
          -path="secret/bar/*" \\
          my-config.hcl`,
  flagSets: ['http'],
  flags: [
    { name: 'type', kind: 'string', usage: 'Type of configuration file to generate; currently, only "env-template" is supported.' },
    { name: 'path', kind: 'list', usage: 'Path to a KV v1/v2 secret (e.g. secret/data/foo, kv-v2/prefix/*); may be given more than once.' },
    { name: 'exec', kind: 'string', default: 'env', usage: 'The command to run with the secrets in its environment.' },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '0 or 1', 0, 1);
    if (usage !== undefined) return usage;
    const type = ctx.flags.string('type');
    if (!type) {
      ctx.ui.error('Please specify a configuration type with -type.');
      return 1;
    }
    if (type !== 'env-template') {
      ctx.ui.error(`Error: unsupported configuration type ${JSON.stringify(type)}; only "env-template" is supported`);
      return 1;
    }
    const paths = ctx.flags.list('path');
    if (paths.length === 0) {
      ctx.ui.error('Please specify at least one secret path with -path.');
      return 1;
    }
    const output = resolve(ctx.io.cwd, ctx.args[0] ?? 'agent.hcl');
    if (existsSync(output)) {
      ctx.ui.error(`Error: the file ${JSON.stringify(output)} already exists; choose another name or remove it`);
      return 1;
    }
    const client = ctx.client();
    const variables: EnvVariable[] = [];
    try {
      for (const path of paths) variables.push(...(await variablesForPath(client, path)));
    } catch (err) {
      return apiFailure(ctx, 'Error reading secrets', err);
    }
    const command = (ctx.flags.string('exec') ?? 'env').trim().split(/\s+/);
    const text = renderEnvTemplateConfig(client.address, join(ctx.io.homeDir, '.vault-token'), command, variables);
    try {
      writeFileSync(output, text, { mode: 0o644, flag: 'wx' });
    } catch (err) {
      ctx.ui.error(`Error writing ${output}: ${(err as Error).message}`);
      return 1;
    }
    ctx.ui.output(`Successfully generated "${output}" configuration file!`);
    ctx.ui.warn('Warning: the generated file uses token_file auto-auth with your token file; change the auth method for production use.');
    return 0;
  },
};
