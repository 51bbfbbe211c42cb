// Shared by the plugin end-to-end tests: the example plugins built as real
// executables, a non-dev server with a plugin_directory, and the coffer CLI
// run as a user runs it (VAULT_ADDR / VAULT_TOKEN in the environment).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExamples, type BuiltExample } from '../../examples/plugins/build.mjs';
import { freePort, runCli, sqliteServerConfig, startCoffer, type CofferProcess } from '../support/coffer-process.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** sha256sum of a file, as an operator computes it before registering. */
export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

let builtOnce: Promise<{ dir: string; plugins: Map<string, BuiltExample> }> | undefined;

/** The example plugins, built once per test process into a temp dir (see examples/plugins/build.mjs). */
export function builtExamples(): Promise<{ dir: string; plugins: Map<string, BuiltExample> }> {
  builtOnce ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-examples-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const built = await buildExamples(dir);
    return { dir, plugins: new Map(built.map((b) => [b.name, b])) };
  })();
  return builtOnce;
}

/** Bundles a test fixture plugin with scripts/build-plugin.mjs, as a plugin author would. */
export function buildFixture(entry: string, outFile: string): string {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-plugin.mjs'), entry, outFile], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return outFile;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A sealed-then-unsealed non-dev server on sqlite with a plugin_directory, and the CLI pointed at it. */
export class PluginServer {
  private constructor(
    public server: CofferProcess,
    readonly port: number,
    readonly pluginDir: string,
    readonly configPath: string,
    readonly rootToken: string,
    readonly unsealKey: string,
  ) {}

  static async start(): Promise<PluginServer> {
    const port = await freePort();
    const base = mkdtempSync(join(tmpdir(), 'coffer-plugins-e2e-'));
    const pluginDir = join(base, 'plugins');
    mkdirSync(pluginDir);
    const cfg = sqliteServerConfig(port, `plugin_directory = "${pluginDir}"`, join(base, 'data'));
    const server = await startCoffer(['server', `-config=${cfg.configPath}`], port);
    const env = { VAULT_ADDR: server.address, VAULT_TOKEN: '', HOME: base };
    const init = await runCli(['operator', 'init', '-key-shares=1', '-key-threshold=1', '-format=json'], env);
    assert.equal(init.code, 0, init.stderr);
    const { unseal_keys_b64: keys, root_token: rootToken } = JSON.parse(init.stdout) as { unseal_keys_b64: string[]; root_token: string };
    const s = new PluginServer(server, port, pluginDir, cfg.configPath, rootToken, keys[0]!);
    await s.ok(['operator', 'unseal', s.unsealKey], '');
    return s;
  }

  /** Stops the server process (its plugins with it) and starts it again on the same storage, unsealed. */
  async restart(): Promise<void> {
    await this.server.stop();
    this.server = await startCoffer(['server', `-config=${this.configPath}`], this.port);
    await this.ok(['operator', 'unseal', this.unsealKey], '');
  }

  private get configDir(): string {
    return dirname(this.configPath);
  }

  get address(): string {
    return this.server.address;
  }

  env(token = this.rootToken): NodeJS.ProcessEnv {
    // HOME: keep the CLI away from the developer's token helper file.
    return { VAULT_ADDR: this.address, VAULT_TOKEN: token, HOME: this.configDir };
  }

  /** `coffer ARGS…` against this server. */
  cli(args: string[], token?: string): Promise<CliResult> {
    return runCli(args, this.env(token));
  }

  /** `coffer ARGS…` that must succeed; returns its stdout. */
  async ok(args: string[], token?: string): Promise<string> {
    const r = await this.cli(args, token);
    assert.equal(r.code, 0, `coffer ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}\n--- server output (end) ---\n${this.server.output().slice(-3000)}`);
    return r.stdout;
  }

  /** `coffer ARGS… -format=json` that must succeed, parsed. */
  async json<T = any>(args: string[], token?: string): Promise<T> {
    const [verb, ...rest] = args;
    const sub = ['kv', 'secrets', 'auth', 'plugin', 'token', 'operator', 'policy'].includes(verb!) ? [verb!, rest.shift()!] : [verb!];
    return JSON.parse(await this.ok([...sub, '-format=json', ...rest], token)) as T;
  }

  /** `coffer ARGS…` that must fail; returns stderr. */
  async fails(args: string[], token?: string): Promise<string> {
    const r = await this.cli(args, token);
    assert.notEqual(r.code, 0, `coffer ${args.join(' ')} should have failed:\n${r.stdout}`);
    return r.stderr;
  }

  /** Copies an executable into plugin_directory under `name` and returns its sha256. */
  install(source: string, name: string): string {
    const target = join(this.pluginDir, name);
    copyFileSync(source, target);
    chmodSync(target, 0o755);
    return sha256Of(target);
  }

  /** The `secrets list -detailed` (or `auth list -detailed`) entry of one mount, as JSON. */
  async mount(path: string, kind: 'secrets' | 'auth' = 'secrets'): Promise<Record<string, any>> {
    const list = await this.json<Record<string, Record<string, any>>>([kind, 'list', '-detailed']);
    const entry = list[path];
    assert.ok(entry, `no mount ${path} in ${Object.keys(list).join(', ')}`);
    return entry;
  }

  /** Raw HTTP, for what the CLI does not show (headers) and for load. */
  async http(method: string, path: string, body?: unknown, token = this.rootToken): Promise<{ status: number; headers: Headers; body: any }> {
    const res = await fetch(`${this.address}/v1/${path}`, {
      method,
      headers: { 'X-Vault-Token': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  async stop(): Promise<void> {
    await this.server.stop();
    rmSync(dirname(this.pluginDir), { recursive: true, force: true });
    rmSync(this.configDir, { recursive: true, force: true });
  }
}

/** Pids of running processes whose command line names `executable` (Linux /proc). */
export function processesRunning(executable: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (cmdline.includes(executable)) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** The warnings a `-format=json` read returned (null when none). */
export function warningsOf(secret: { warnings?: string[] | null }): string[] {
  return secret.warnings ?? [];
}

export const V2_WARNING = 'served by the kv-secrets v2.0.0 plugin';
export const UNVERSIONED_WARNING = 'served by the kv-secrets (unversioned) plugin';
