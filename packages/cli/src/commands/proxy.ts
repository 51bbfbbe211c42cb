import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import { agentModeFlags, runAgentMode } from './agent-mode.js';

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
  flags: agentModeFlags({
    config: 'Path to the proxy configuration file (HCL or JSON).',
    exitAfterAuth: 'Exit with code 0 after the first successful authentication.',
  }),
  run: (ctx) => runAgentMode(ctx, 'proxy'),
};
