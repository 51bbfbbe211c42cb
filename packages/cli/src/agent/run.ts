// `coffer agent`: reads the config, builds the agent and its parts, wires
// signals, and turns failures into one clear message and exit code 1.
import { rm, writeFile } from 'node:fs/promises';
import { isCofferError } from '@coffer/sdk';
import { Agent } from './agent.js';
import { loadAgentConfig } from './config/parse.js';
import type { AgentConfig } from './config/types.js';
import type { ExecSupervisor } from './exec/supervisor.js';
import { Logger, parseLogLevel } from './logger.js';
import { AgentMetrics } from './metrics.js';
import { buildParts } from './parts.js';

export interface RunAgentOptions {
  /** `coffer proxy` (Vault Proxy) runs the same code without templates and exec. */
  mode: 'agent' | 'proxy';
  configPath: string;
  env: NodeJS.ProcessEnv;
  exitAfterAuth: boolean;
  logLevel?: string;
  out(line: string): void;
  err(line: string): void;
}

export async function runAgentCommand(options: RunAgentOptions): Promise<number> {
  let config: AgentConfig;
  try {
    config = await loadAgentConfig(options.configPath);
  } catch (err) {
    options.err(`Error loading configuration from ${options.configPath}: ${messageOf(err)}`);
    return 1;
  }
  if (options.mode === 'proxy' && (config.templates.length > 0 || config.envTemplates.length > 0 || config.exec)) {
    options.err(`Error loading configuration from ${options.configPath}: template, env_template and exec stanzas are for coffer agent; coffer proxy only proxies`);
    return 1;
  }
  if (config.exec !== undefined && options.exitAfterAuth) {
    options.err('Error: -exit-after-auth cannot be used with an exec stanza: the agent runs as long as the process it supervises');
    return 1;
  }
  let level;
  try {
    level = parseLogLevel(options.logLevel ?? config.logLevel);
  } catch (err) {
    options.err(messageOf(err));
    return 1;
  }
  const logger = new Logger(level, options.mode, (line) => options.err(line));
  for (const warning of config.warnings) logger.warn(warning);
  let exec: ExecSupervisor | undefined;
  const metrics = new AgentMetrics();
  let agent: Agent;
  try {
    agent = new Agent({ config, env: options.env, logger, exitAfterAuth: options.exitAfterAuth || config.exitAfterAuth, metrics });
    const parts = buildParts(config, options.env, metrics);
    for (const part of parts.list) agent.addPart(part);
    for (const ready of parts.ready) agent.addReady(ready);
    exec = parts.exec;
  } catch (err) {
    options.err(`Error starting the agent: ${messageOf(err)}`);
    return 1;
  }

  // With exec, signals go to the child; the agent ends when it does, with its code.
  const onTerm = (signal: NodeJS.Signals): void => {
    if (exec?.forward(signal)) return;
    agent.shutdown(0, `${signal} received: shutting down`);
  };
  const onOther = (signal: NodeJS.Signals): void => void exec?.forward(signal);
  const onHup = (): void => void agent.reload();
  process.on('SIGINT', onTerm);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  for (const signal of ['SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const) process.on(signal, onOther);
  options.out(`==> Coffer ${options.mode} started! Log data will stream in below:`);
  try {
    if (config.pidFile) await writePidFile(config.pidFile);
    return await agent.run();
  } catch (err) {
    agent.shutdown(1);
    options.err(`Error starting the agent: ${messageOf(err)}`);
    return 1;
  } finally {
    process.off('SIGINT', onTerm);
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
    for (const signal of ['SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const) process.off(signal, onOther);
    if (config.pidFile) await rm(config.pidFile, { force: true }).catch(() => undefined);
  }
}

async function writePidFile(path: string): Promise<void> {
  try {
    await writeFile(path, String(process.pid), { mode: 0o644 });
  } catch (err) {
    throw new Error(`cannot write pid_file "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function messageOf(err: unknown): string {
  if (isCofferError(err)) return err.message;
  return err instanceof Error ? err.message : String(err);
}
