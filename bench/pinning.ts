import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Where the machine has two cores or more, the load generator (this
 * process) runs on core 0 and the server under test on the others, so
 * neither steals the other's CPU. Returns the command prefix for servers.
 */
export function pinLoadGenerator(): string[] {
  // Counted before pinning: afterwards this process sees only its own core.
  const cores = availableParallelism();
  if (process.platform !== 'linux' || cores < 2) return [];
  try {
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return ['taskset', '-c', cores === 2 ? '1' : `1-${cores - 1}`];
  } catch {
    return [];
  }
}
