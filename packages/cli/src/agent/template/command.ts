// Runs a template's `command` after its destination changed, with a timeout.
// Its output goes to the agent's log; a failure is logged, not fatal, as in Vault.
import { spawn } from 'node:child_process';
import type { Logger } from '../logger.js';

export function runTemplateCommand(argv: string[], timeoutSeconds: number, env: NodeJS.ProcessEnv, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      logger.error('template command timed out; killing it', { timeout: `${timeoutSeconds}s` });
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      logger.error('template command could not start', { command: file, error: err.message });
      resolve();
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) logger.debug('template command finished', { command: file });
      else logger.error('template command failed', { command: file, code: code ?? signal, output: output.trim().slice(0, 2000) });
      resolve();
    });
  });
}
