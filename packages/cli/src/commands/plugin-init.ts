import { CLI_NAME } from '../cli/branding.js';
import { argCountError, EXIT_API, EXIT_USAGE, type Command } from '../cli/command.js';

/** What the server package's declared-plugins-check.ts returns (kept structural so the CLI compiles on its own). */
interface DeclarationsReport {
  directory?: string;
  warnings: string[];
  checks: { type: string; name: string; version: string; command: string; declaredAt: string; ok: boolean; error?: string; note?: string }[];
}

interface CheckModule {
  checkDeclaredPlugins(configPaths: string[], options: { directory?: string }): Promise<DeclarationsReport>;
}

/** Seam for tests; the server package is loaded only when the command runs. */
export const pluginInitDeps = {
  load: async (): Promise<CheckModule> => {
    const specifier = '@coffer/server/plugin-catalog/declared-plugins-check.js';
    return (await import(specifier)) as CheckModule;
  },
};

export const pluginInitCommand: Command = {
  name: 'plugin init',
  synopsis: 'Checks the plugins declared in the server configuration',
  help: `
Usage: ${CLI_NAME} plugin init [options]

  Reads the plugin "TYPE" "NAME" { ... } stanzas of server configuration files
  and checks each declared plugin against the plugin directory, exactly as the
  server does when it unseals: the binary exists inside the directory, its
  sha256 is the declared one, and, run once, it reports the declared type and
  version. No server is started and nothing is registered; a server registers
  the declared plugins itself at unseal.

  The exit code is 0 when every declared plugin is ready, 2 when at least one
  is not (each is reported with the reason), 1 when the configuration cannot
  be read.

  Check the plugins declared in a configuration file:

      $ ${CLI_NAME} plugin init -config=/etc/coffer/server.hcl

  Check against another directory (e.g. before copying binaries in place):

      $ ${CLI_NAME} plugin init -config=/etc/coffer -directory=/tmp/new-plugins`,
  flagSets: [],
  flags: [
    {
      name: 'config',
      kind: 'list',
      usage: 'Path to a configuration file or directory of configuration files, as for "server". This flag can be specified multiple times.',
    },
    {
      name: 'directory',
      kind: 'string',
      usage: 'Plugin directory to check against, instead of plugin_directory from the configuration.',
    },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    const configPaths = ctx.flags.list('config');
    if (configPaths.length === 0) {
      ctx.ui.error('Must specify at least one config path using -config');
      return EXIT_USAGE;
    }
    let report: DeclarationsReport;
    try {
      const module = await pluginInitDeps.load();
      const directory = ctx.flags.string('directory');
      report = await module.checkDeclaredPlugins(configPaths, directory ? { directory } : {});
    } catch (err) {
      ctx.ui.error(`Error reading the configuration: ${(err as Error).message}`);
      return EXIT_USAGE;
    }
    for (const w of report.warnings) ctx.ui.warn(`Warning: ${w}`);
    if (report.checks.length === 0) {
      ctx.ui.output('No plugin is declared in the configuration (add plugin "TYPE" "NAME" { command = "…" sha256 = "…" } stanzas).');
      return 0;
    }
    ctx.ui.output(`Plugin directory: ${report.directory ?? '(not set)'}`);
    for (const c of report.checks) {
      const what = `${c.type} plugin "${c.name}" ${c.version || '(unversioned)'}, command "${c.command}", declared at ${c.declaredAt}`;
      if (c.ok) ctx.ui.output(`ok:    ${what}${c.note ? ` (${c.note})` : ''}`);
      else ctx.ui.error(`error: ${what}: ${c.error ?? 'unknown error'}`);
    }
    const bad = report.checks.filter((c) => !c.ok).length;
    if (bad > 0) {
      ctx.ui.error(`${bad} of ${report.checks.length} declared plugins would not be registered at unseal.`);
      return EXIT_API;
    }
    ctx.ui.output(`Success! All ${report.checks.length} declared plugins are ready to be registered at unseal.`);
    return 0;
  },
};
