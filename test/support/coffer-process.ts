import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `coffer` executable (npm test builds before running tests). */
export const COFFER_BIN = fileURLToPath(new URL('../../packages/cli/dist/bin/coffer.js', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface CofferProcess {
  address: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

/** A temp dir with a config file for a non-dev server on sqlite storage. */
export function sqliteServerConfig(port: number, extra = '', dataDir?: string): { dir: string; configPath: string; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-e2e-'));
  const data = dataDir ?? join(dir, 'data');
  const configPath = join(dir, 'coffer.hcl');
  writeFileSync(
    configPath,
    `storage "sqlite" {\n  path = "${data}"\n}\n\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\n\napi_addr = "http://127.0.0.1:${port}"\n${extra}\n`,
  );
  return { dir, configPath, dataDir: data };
}

/** Start `coffer ARGS…` and wait until sys/health answers (any status) on the port. */
export async function startCoffer(args: string[], port: number, env: NodeJS.ProcessEnv = {}): Promise<CofferProcess> {
  const child = spawn(process.execPath, [COFFER_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const address = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`coffer ${args.join(' ')} exited with ${child.exitCode}:\n${out}`);
    try {
      await fetch(`${address}/v1/sys/health`);
      if (!args.includes('-dev') || out.includes('Root Token:')) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`coffer did not start within 30s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const waitExit = () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r())));
  return {
    address,
    child,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await waitExit();
    },
    kill: async () => {
      child.kill('SIGKILL');
      await waitExit();
    },
  };
}

/** Run the coffer CLI to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [COFFER_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input ?? '');
  const code = await new Promise<number>((r) => child.once('close', (c) => r(c ?? 1)));
  return { code, stdout, stderr };
}
