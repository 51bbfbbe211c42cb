// Helpers for driving `coffer agent` processes against real servers.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { COFFER_BIN, freePort, startCoffer, type CofferProcess } from './coffer-process.js';

/** A dev server with the given root token on 127.0.0.1:`port` (a free port unless given, e.g. to restart on the same address). */
export async function startDevServer(rootToken: string, port?: number): Promise<CofferProcess> {
  const listenPort = port ?? (await freePort());
  return startCoffer(['server', '-dev', `-dev-root-token-id=${rootToken}`, `-dev-listen-address=127.0.0.1:${listenPort}`], listenPort);
}

/**
 * One dev server for all the tests of a file (each uses its own paths),
 * started before the first and stopped after the last; call at the top level.
 */
export function devServerForFile(rootToken: string): () => CofferProcess {
  let server: CofferProcess | undefined;
  before(async () => {
    server = await startDevServer(rootToken);
  });
  after(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the dev server of this file is not started yet');
    return server;
  };
}

/**
 * Writes DIR/FILE: an agent configuration whose auto-auth reads `rootToken`
 * from DIR/root-token, followed by `body`. Returns the file's path.
 */
export function rootTokenAgentConfig(dir: string, address: string, rootToken: string, body: string, file = 'agent.hcl'): string {
  writeFileSync(join(dir, 'root-token'), rootToken);
  const path = join(dir, file);
  writeFileSync(
    path,
    `vault { address = "${address}" }
auto_auth {
  method "token_file" { config = { token_file_path = "${join(dir, 'root-token')}" } }
}
${body}
`,
  );
  return path;
}

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the agent has exited. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** `coffer agent ARGS…` (or `coffer proxy ARGS…`), with no VAULT_ADDR/VAULT_TOKEN from the test's environment. */
export function startAgent(args: string[], env: NodeJS.ProcessEnv = {}, command: 'agent' | 'proxy' = 'agent'): AgentProcess {
  const child = spawn(process.execPath, [COFFER_BIN, command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VAULT_ADDR: '', VAULT_TOKEN: '', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls until check() returns a value (not undefined), or fails after timeoutMs with the agent's output. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, agent?: AgentProcess): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${agent ? `\nagent output:\n${agent.output()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The file's text once it exists and differs from `not`. */
export function fileChanged(path: string, not?: string): () => string | undefined {
  return () => {
    if (!existsSync(path)) return undefined;
    const text = readFileSync(path, 'utf8');
    return text !== '' && text !== not ? text : undefined;
  };
}

export async function vaultApi(address: string, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${address}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The agent's exit code; fails (and kills it) when it has not exited within timeoutMs. */
export async function exitCode(agent: AgentProcess, timeoutMs = 15_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const result = await Promise.race([agent.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    agent.child.kill('SIGKILL');
    throw new Error(`the agent did not exit within ${timeoutMs}ms\nagent output:\n${agent.output()}`);
  }
  return result;
}
