// The agent's optional parts, built from the config.
import type { AgentPart } from './agent.js';
import type { AgentConfig } from './config/types.js';
import { ExecSupervisor } from './exec/supervisor.js';
import type { AgentMetrics } from './metrics.js';
import { ProxyServer } from './proxy/server.js';
import { TemplateRunner } from './template/runner.js';

export interface Parts {
  list: AgentPart[];
  /** Settles when the parts have done their first round of work (for -exit-after-auth). */
  ready: Array<Promise<void>>;
  exec?: ExecSupervisor;
  metrics: AgentMetrics;
}

export function buildParts(config: AgentConfig, env: NodeJS.ProcessEnv, metrics: AgentMetrics): Parts {
  const parts: Parts = { list: [], ready: [], metrics };
  if (config.templates.length > 0 || config.envTemplates.length > 0) {
    const runner = new TemplateRunner(config.templates, config.envTemplates, config.templateSettings, env, config.vault.numRetries);
    parts.list.push(runner);
    parts.ready.push(runner.firstPass);
    if (config.exec) {
      const exec = new ExecSupervisor(config.exec, env, config.envTemplates.length > 0);
      runner.onEnv((values) => exec.update(values));
      parts.exec = exec;
    }
  }
  if (config.exec && !parts.exec) parts.exec = new ExecSupervisor(config.exec, env, false);
  if (parts.exec) parts.list.push(parts.exec);
  if (config.listeners.length > 0) parts.list.push(new ProxyServer(config, parts.metrics));
  return parts;
}
