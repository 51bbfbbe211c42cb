import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { tableOutput } from '../format/columns.js';
import { outputData } from '../format/output.js';
import { parsePluginType, type PluginType } from '../plugin/catalog.js';

/** TYPE NAME for the pin commands (a type is required: pins are per type). */
function pinTarget(ctx: Context): { type: PluginType; name: string } | number {
  const usage = argCountError(ctx, '2', 2, 2);
  if (usage !== undefined) return usage;
  try {
    const type = parsePluginType(ctx.args[0]!);
    if (type === 'unknown') throw new Error('a plugin type of auth, database, or secret is required');
    return { type, name: ctx.args[1]!.trim() };
  } catch (err) {
    ctx.ui.error((err as Error).message);
    return 1;
  }
}

export const pluginPinCommand: Command = {
  name: 'plugin pin',
  synopsis: 'Pin a plugin to one registered version',
  help: `
Usage: ${CLI_NAME} plugin pin -version=VERSION TYPE NAME

  Pins the plugin TYPE/NAME to VERSION (sys/plugins/pins). Every mount of
  that plugin then runs the pinned version, whatever version it was mounted
  with. The version must already be registered in the catalog. Mounts that
  are running switch to the pinned version when reloaded
  ("${CLI_NAME} plugin reload").

      $ ${CLI_NAME} plugin pin -version=v1.2.0 secret my-plugin`,
  flagSets: ['http'],
  flags: [{ name: 'version', kind: 'string', usage: 'The registered semantic version to pin. Required.' }],
  async run(ctx) {
    const target = pinTarget(ctx);
    if (typeof target === 'number') return target;
    const version = (ctx.flags.string('version') ?? '').trim();
    if (version === '') {
      ctx.ui.error('A version is required: use -version=VERSION');
      return 1;
    }
    try {
      await ctx.client().request('POST', `sys/plugins/pins/${target.type}/${target.name}`, { body: { version } });
    } catch (err) {
      return apiFailure(ctx, `Error pinning plugin ${target.name}`, err);
    }
    ctx.ui.output(`Success! Pinned plugin ${target.name} (${target.type}) to version ${version}`);
    return 0;
  },
};

export const pluginUnpinCommand: Command = {
  name: 'plugin unpin',
  synopsis: 'Remove the pinned version of a plugin',
  help: `
Usage: ${CLI_NAME} plugin unpin TYPE NAME

  Removes the pinned version of the plugin TYPE/NAME. Mounts go back to the
  version they were mounted with the next time they are reloaded.

      $ ${CLI_NAME} plugin unpin secret my-plugin`,
  flagSets: ['http'],
  async run(ctx) {
    const target = pinTarget(ctx);
    if (typeof target === 'number') return target;
    try {
      await ctx.client().request('DELETE', `sys/plugins/pins/${target.type}/${target.name}`);
    } catch (err) {
      return apiFailure(ctx, `Error unpinning plugin ${target.name}`, err);
    }
    ctx.ui.output(`Success! Unpinned plugin ${target.name} (${target.type}) (if it was pinned)`);
    return 0;
  },
};

export const pluginPinsCommand: Command = {
  name: 'plugin pins',
  synopsis: 'List pinned plugin versions',
  help: `
Usage: ${CLI_NAME} plugin pins [options] [TYPE NAME]

  Lists every pinned plugin version, or shows the pin of one plugin.

      $ ${CLI_NAME} plugin pins
      $ ${CLI_NAME} plugin pins secret my-plugin`,
  flagSets: ['http', 'format'],
  async run(ctx) {
    let pins: Array<Record<string, unknown>>;
    const client = ctx.client();
    if (ctx.args.length === 0) {
      try {
        const secret = await client.secret('GET', 'sys/plugins/pins');
        const list = secret?.data?.pinned_versions;
        pins = Array.isArray(list) ? (list as Array<Record<string, unknown>>) : [];
      } catch (err) {
        return apiFailure(ctx, 'Error listing pinned plugin versions', err);
      }
    } else {
      const target = pinTarget(ctx);
      if (typeof target === 'number') return target;
      let secret;
      try {
        secret = await client.read(`sys/plugins/pins/${target.type}/${target.name}`);
      } catch (err) {
        return apiFailure(ctx, `Error reading pinned version of plugin ${target.name}`, err);
      }
      if (!secret?.data) {
        ctx.ui.error(`No pinned version for plugin ${JSON.stringify(target.name)} (${target.type})`);
        return 2;
      }
      pins = [secret.data];
    }
    if (ctx.format !== 'table') return outputData(ctx.ui, ctx.args.length === 0 ? { pinned_versions: pins } : pins[0]);
    if (pins.length === 0) {
      ctx.ui.output('No plugin versions are pinned.');
      return 0;
    }
    const rows = ['Name | Type | Version'];
    for (const p of pins) rows.push(`${String(p.name ?? '')} | ${String(p.type ?? '')} | ${String(p.version ?? '')}`);
    ctx.ui.output(tableOutput(rows));
    return 0;
  },
};
