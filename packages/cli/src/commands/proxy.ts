import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { argCountError, type Command } from '../cli/command.js';

/** `proxy -config=FILE`: Vault Proxy, the API proxy and cache of the agent without templates or exec. */
export const proxyCommand: Command = {
  name: 'proxy',
  synopsis: 'Start a proxy: auto-auth, sinks and a caching API proxy',
  help: `
Usage: ${CLI_NAME} proxy [options]

  This command starts a proxy that authenticates to ${PRODUCT_NAME} (auto_auth),
  writes its token to sinks and forwards API requests from applications,
  adding its token (api_proxy) and caching leased responses (cache). Its
  configuration file is Vault Proxy's (HCL or JSON); template and exec
  stanzas belong to "${CLI_NAME} agent".

      $ ${CLI_NAME} proxy -config=/etc/coffer/proxy.hcl`,
  flagSets: [],
  flags: [
    { name: 'config', kind: 'list', usage: 'Path to the proxy configuration file (HCL or JSON).' },
    { name: 'log-level', kind: 'string', usage: 'Log verbosity level: "trace", "debug", "info", "warn" or "error". Also VAULT_LOG_LEVEL.' },
    { name: 'exit-after-auth', kind: 'bool', usage: 'Exit with code 0 after the first successful authentication.' },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    const paths = ctx.flags.list('config');
    if (paths.length === 0) {
      ctx.ui.error('No configuration read. Please provide the configuration with the -config flag.');
      return 1;
    }
    const { runAgentCommand } = await import('../agent/run.js');
    const logLevel = ctx.flags.isSet('log-level') ? ctx.flags.string('log-level') : ctx.io.env.VAULT_LOG_LEVEL;
    return runAgentCommand({
      mode: 'proxy',
      configPath: paths[paths.length - 1]!,
      env: ctx.io.env,
      exitAfterAuth: ctx.flags.bool('exit-after-auth'),
      ...(logLevel ? { logLevel } : {}),
      out: (line) => ctx.ui.output(line),
      err: (line) => ctx.ui.error(line),
    });
  },
};
