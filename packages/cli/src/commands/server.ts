import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { argCountError, type Command } from '../cli/command.js';
import type { Context } from '../cli/context.js';

/** Options passed to @coffer/server's runServer. */
export interface RunServerOptions {
  dev: boolean;
  devRootTokenId?: string;
  devListenAddress?: string;
  devPluginDir?: string;
  configPaths: string[];
  logLevel?: string;
  /** The CLI handles SIGINT/SIGTERM itself (see waitForShutdown). */
  noSignalHandlers?: boolean;
}

/** What runServer resolves to; the dev fields are printed when present. */
export interface RunningServer {
  address: string;
  close(): Promise<void>;
  rootToken?: string;
  unsealKey?: string;
}

export interface ServerModule {
  runServer(opts: RunServerOptions): Promise<RunningServer>;
}

/**
 * Seams for tests. The server package is imported only when "server" runs,
 * so every other command starts without loading it.
 */
export const serverDeps = {
  load: async (): Promise<ServerModule> => {
    // A variable specifier keeps the CLI compiling on its own while the
    // server package evolves; the contract is the ServerModule interface.
    const specifier = '@coffer/server';
    return (await import(specifier)) as ServerModule;
  },
  waitForShutdown: (): Promise<string> =>
    new Promise((resolve) => {
      const done = (signal: string): void => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        resolve(signal);
      };
      const onInt = (): void => done('SIGINT');
      const onTerm = (): void => done('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    }),
};

export const serverCommand: Command = {
  name: 'server',
  synopsis: 'Start a server',
  help: `
Usage: ${CLI_NAME} server [options]

  This command starts a ${PRODUCT_NAME} server that responds to API requests. By
  default, the server runs in the foreground until interrupted (Ctrl-C or
  SIGTERM).

  Start a server with a configuration file:

      $ ${CLI_NAME} server -config=/etc/coffer/config.hcl

  Run in "dev" mode (in memory, unsealed, root token printed):

      $ ${CLI_NAME} server -dev -dev-root-token-id="root"

  Several -config flags (files or directories) may be given; they are merged.`,
  flagSets: [],
  flags: [
    {
      name: 'config',
      kind: 'list',
      usage: 'Path to a configuration file or directory of configuration files. This flag can be specified multiple times to load multiple configurations. If the path is a directory, all files which end in .hcl or .json are loaded.',
    },
    {
      name: 'log-level',
      kind: 'string',
      usage: 'Log verbosity level. Supported values (in order of detail) are "trace", "debug", "info", "warn", and "error". This can also be specified via the VAULT_LOG_LEVEL environment variable.',
    },
    {
      name: 'dev',
      kind: 'bool',
      usage: 'Enable development mode. In this mode, the server runs in-memory and starts unsealed. As the name implies, do not run "dev" mode in production.',
    },
    {
      name: 'dev-root-token-id',
      kind: 'string',
      usage: 'Initial root token. This only applies when running in "dev" mode. This can also be specified via the VAULT_DEV_ROOT_TOKEN_ID environment variable.',
    },
    {
      name: 'dev-listen-address',
      kind: 'string',
      usage: 'Address to bind to in "dev" mode. The default is 127.0.0.1:8200. This can also be specified via the VAULT_DEV_LISTEN_ADDRESS environment variable.',
    },
    {
      name: 'dev-plugin-dir',
      kind: 'string',
      usage: 'Directory from which plugins are allowed to be loaded. Only applies in "dev" mode.',
    },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    const options = serverOptions(ctx);
    if (options.configPaths.length === 0 && !options.dev) {
      ctx.ui.error('Must specify at least one config path using -config');
      return 1;
    }
    let module: ServerModule;
    try {
      module = await serverDeps.load();
    } catch (err) {
      ctx.ui.error(`Error loading the server: ${(err as Error).message}`);
      return 1;
    }
    let server: RunningServer;
    try {
      server = await module.runServer(options);
    } catch (err) {
      ctx.ui.error(`Error starting the server: ${(err as Error).message}`);
      return 1;
    }
    // runServer prints the configuration and dev-mode banners itself (only it
    // knows the unseal key and root token), so nothing is printed here.
    await serverDeps.waitForShutdown();
    ctx.ui.output(`==> ${PRODUCT_NAME} shutdown triggered`);
    try {
      await server.close();
    } catch (err) {
      ctx.ui.error(`Error shutting down the server: ${(err as Error).message}`);
      return 1;
    }
    return 0;
  },
};

function serverOptions(ctx: Context): RunServerOptions {
  const env = ctx.io.env;
  const pick = (flag: string, envName?: string): string | undefined =>
    (ctx.flags.isSet(flag) ? ctx.flags.string(flag) : envName ? env[envName] : undefined) || undefined;
  const options: RunServerOptions = {
    dev: ctx.flags.bool('dev'),
    configPaths: ctx.flags.list('config'),
    noSignalHandlers: true,
  };
  const rootToken = pick('dev-root-token-id', 'VAULT_DEV_ROOT_TOKEN_ID');
  const listen = pick('dev-listen-address', 'VAULT_DEV_LISTEN_ADDRESS');
  const pluginDir = pick('dev-plugin-dir');
  const logLevel = pick('log-level', 'VAULT_LOG_LEVEL');
  if (rootToken) options.devRootTokenId = rootToken;
  if (listen) options.devListenAddress = listen;
  if (pluginDir) options.devPluginDir = pluginDir;
  if (logLevel) options.logLevel = logLevel;
  return options;
}
