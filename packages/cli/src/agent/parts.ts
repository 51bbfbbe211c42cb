// The agent's optional parts, built from the config.
import type { AgentPart } from './agent.js';
import type { AgentConfig } from './config/types.js';

export function buildParts(config: AgentConfig, env: NodeJS.ProcessEnv): AgentPart[] {
  void config;
  void env;
  return [];
}
