import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { agentModeFlags, runAgentMode } from './agent-mode.js';

/** `agent -config=FILE`: Vault Agent. */
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
  flags: agentModeFlags({
    config: 'Path to the agent configuration file (HCL or JSON). May be given more than once; the last one is used.',
    exitAfterAuth: 'Exit with code 0 after the first successful authentication (and template render).',
  }),
  run: (ctx) => runAgentMode(ctx, 'agent'),
};
