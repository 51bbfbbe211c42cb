import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import { argCountError, type Command } from '../cli/command.js';

/**
 * `agent -config=FILE`: Vault Agent. The agent code is loaded only when the
 * command runs, so other commands start without it.
 */
export const agentCommand: Command = {
  name: 'agent',
  synopsis: 'Start an agent: auto-auth, token sinks, templates, a caching API proxy',
  help: `
Usage: ${CLI_NAME} agent [options]

  This command starts an agent that authenticates to ${PRODUCT_NAME} (auto_auth),
  writes its token to sinks, renders templates with secrets, runs a process
  with secrets in its environment (exec) and proxies API requests with a cache
  of leased responses. Its configuration file is Vault Agent's (HCL or JSON).

  Start an agent with a configuration file:

      $ ${CLI_NAME} agent -config=/etc/coffer/agent.hcl

  Generate a configuration for the exec mode from secret paths:

      $ ${CLI_NAME} agent generate-config -type=env-template -exec=./app -path=secret/app

  SIGHUP re-reads and renders the templates; SIGINT and SIGTERM stop it.`,
  flagSets: [],
  flags: [
    { name: 'config', kind: 'list', usage: 'Path to the agent configuration file (HCL or JSON). May be given more than once; the last one is used.' },
    {
      name: 'log-level',
      kind: 'string',
      usage: 'Log verbosity level: "trace", "debug", "info", "warn" or "error". Also VAULT_LOG_LEVEL.',
    },
    { name: 'exit-after-auth', kind: 'bool', usage: 'Exit with code 0 after the first successful authentication (and template render).' },
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
      mode: 'agent',
      configPath: paths[paths.length - 1]!,
      env: ctx.io.env,
      exitAfterAuth: ctx.flags.bool('exit-after-auth'),
      ...(logLevel ? { logLevel } : {}),
      out: (line) => ctx.ui.output(line),
      err: (line) => ctx.ui.error(line),
    });
  },
};
