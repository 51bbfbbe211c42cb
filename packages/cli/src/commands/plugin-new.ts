import { resolve } from 'node:path';
import { CLI_NAME } from '../cli/branding.js';
import { argCountError, EXIT_USAGE, type Command } from '../cli/command.js';
import { checkScaffoldName, ensureEmptyDirectory, ScaffoldError, sdkDependency, writeScaffold, type ScaffoldType } from '../plugin/scaffold.js';

export const pluginNewCommand: Command = {
  name: 'plugin new',
  synopsis: 'Creates a new plugin project',
  help: `
Usage: ${CLI_NAME} plugin new [options] TYPE NAME

  Creates a plugin project in a new directory: a package.json depending on
  @coffer/sdk, a backend with one path group in src/, a test driving it with
  the SDK's test harness, and a build script that bundles the plugin into one
  executable file, ready to be registered. TYPE is "secret" (a secrets engine)
  or "auth" (an auth method).

  Without -sdk, the SDK this ${CLI_NAME} CLI runs with is packed into the
  project's vendor/ directory (npm must be on the PATH).

  Create a secrets engine in ./my-engine, then test and build it:

      $ ${CLI_NAME} plugin new secret my-engine
      $ cd my-engine && npm install && npm test && npm run build

  Create an auth method elsewhere, with a packed SDK:

      $ ${CLI_NAME} plugin new -dir=/src/my-auth -sdk=/tmp/coffer-sdk-0.1.0.tgz auth my-auth`,
  flagSets: [],
  flags: [
    { name: 'dir', kind: 'string', usage: 'Directory to create the project in. It must not exist or be empty. The default is ./NAME.' },
    {
      name: 'sdk',
      kind: 'string',
      usage: 'The @coffer/sdk dependency: a packed SDK (.tgz, from "npm pack -w @coffer/sdk") or a version range. The default packs the SDK of this CLI into vendor/.',
    },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '2', 2, 2);
    if (usage !== undefined) return usage;
    const [type, rawName] = ctx.args as [string, string];
    if (type !== 'secret' && type !== 'auth') {
      ctx.ui.error(`Invalid plugin type "${type}": use "secret" (a secrets engine) or "auth" (an auth method)`);
      return EXIT_USAGE;
    }
    try {
      const name = checkScaffoldName(rawName);
      const dir = resolve(ctx.flags.string('dir') || name);
      ensureEmptyDirectory(dir);
      const sdk = await sdkDependency(dir, ctx.flags.string('sdk') || undefined);
      const files = writeScaffold(dir, { type: type as ScaffoldType, name, sdkSpec: sdk.spec });
      if (sdk.note) ctx.ui.info(sdk.note);
      for (const f of files.sort()) ctx.ui.info(`  ${f}`);
      ctx.ui.output(`Success! Created the ${type} plugin project ${name} in ${dir}`);
      ctx.ui.output(`\nNext:\n  cd ${dir}\n  npm install\n  npm test\n  npm run build      # dist/${name}, and the sha256 to register it with`);
      return 0;
    } catch (err) {
      if (!(err instanceof ScaffoldError)) throw err;
      ctx.ui.error(`Error creating the plugin project: ${err.message}`);
      return EXIT_USAGE;
    }
  },
};
