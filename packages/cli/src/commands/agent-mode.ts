// What `agent` and `proxy` share: the same three flags and the same start-up,
// differing only in the mode handed to the agent runner. The agent code is
// loaded only when one of them runs, so other commands start without it.
import type { Context } from '../cli/context.js';
import type { FlagSpec } from '../cli/flags.js';
import { argCountError } from '../cli/command.js';

/** -config, -log-level and -exit-after-auth, with each command's own wording for the two that differ. */
export function agentModeFlags(usage: { config: string; exitAfterAuth: string }): FlagSpec[] {
  return [
    { name: 'config', kind: 'list', usage: usage.config },
    {
      name: 'log-level',
      kind: 'string',
      usage: 'Log verbosity level: "trace", "debug", "info", "warn" or "error". Also VAULT_LOG_LEVEL.',
    },
    { name: 'exit-after-auth', kind: 'bool', usage: usage.exitAfterAuth },
  ];
}

/** Checks the arguments and runs the agent in `mode` with the last -config file. */
export async function runAgentMode(ctx: Context, mode: 'agent' | 'proxy'): Promise<number> {
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
    mode,
    configPath: paths[paths.length - 1]!,
    env: ctx.io.env,
    exitAfterAuth: ctx.flags.bool('exit-after-auth'),
    ...(logLevel ? { logLevel } : {}),
    out: (line) => ctx.ui.output(line),
    err: (line) => ctx.ui.error(line),
  });
}
