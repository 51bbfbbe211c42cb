import { spawn, type ChildProcess } from 'node:child_process';
import { COFFER_BIN, freePort } from '../test/support/coffer-process.js';

export interface DevServer {
  address: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Start `coffer server -dev` as its own process and wait until it answers. */
/**
 * `prefix` runs the server under another command (taskset, to pin it to a core);
 * `nodeArgs` go to Node itself (--cpu-prof).
 */
export async function startDevServer(extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}, prefix: string[] = [], nodeArgs: string[] = []): Promise<DevServer> {
  const port = await freePort();
  const token = 'bench-root';
  const [command, ...prefixArgs] = [...prefix, process.execPath];
  const child = spawn(command!, [...prefixArgs, ...nodeArgs, COFFER_BIN, 'server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${token}`, '-log-level=error', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: process.env['BENCH_HOME'] ?? '/tmp', ...env },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const address = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`coffer server exited early:\n${output}`);
    try {
      const res = await fetch(`${address}/v1/sys/health`);
      if (res.status === 200 && output.includes('Root Token:')) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`coffer server did not start in 30s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    token,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
