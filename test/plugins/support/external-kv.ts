// The built-in K/V engine run as an external plugin, for the tests that
// prove a built-in engine behaves the same across the process boundary:
// one bundle per test process (test/plugins/fixtures/builtin-kv-plugin.ts,
// built with scripts/build-plugin.mjs), and an in-process dev server on
// which that bundle overrides the built-in "kv", so every kv mount, the dev
// server's secret/ included, is served by the plugin process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Logger } from '@coffer/sdk';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface BuiltPlugin {
  /** Absolute path of the single-file executable (outside any plugin directory). */
  file: string;
  sha256: string;
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const builds = new Map<string, Promise<BuiltPlugin>>();

/** A fixture under test/plugins/fixtures bundled into one executable with scripts/build-plugin.mjs; built once per test process into a temp dir. */
export function bundledFixture(fixture: string): Promise<BuiltPlugin> {
  let build = builds.get(fixture);
  if (!build) {
    build = (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'coffer-fixture-'));
      const file = join(dir, fixture);
      // The repository tsconfig maps @coffer/* to their sources: no prior `npm run build` needed.
      await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts/build-plugin.mjs'), join(REPO_ROOT, `test/plugins/fixtures/${fixture}.ts`), file, '--tsconfig', join(REPO_ROOT, 'tsconfig.json')], { cwd: REPO_ROOT });
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      return { file, sha256: sha256Of(file) };
    })();
    builds.set(fixture, build);
  }
  return build;
}

/** `serve(kvFactory)` bundled into one executable. */
export function externalKvBinary(): Promise<BuiltPlugin> {
  return bundledFixture('builtin-kv-plugin');
}

/** Copies a bundled fixture into `pluginDir` as `name` (mode 755); returns its sha256. */
export async function installFixture(pluginDir: string, fixture: string, name: string): Promise<string> {
  const { file } = await bundledFixture(fixture);
  const target = join(pluginDir, name);
  copyFileSync(file, target);
  chmodSync(target, 0o755);
  return sha256Of(target);
}

/** Copies the external KV build into `pluginDir` as `name` (mode 755); returns its sha256. */
export function installExternalKv(pluginDir: string, name: string): Promise<string> {
  return installFixture(pluginDir, 'builtin-kv-plugin', name);
}

export interface PluginTestServer extends InProcessServer {
  /** The server's plugin_directory (removed by close()). */
  pluginDir: string;
}

/** An in-process dev server with a fresh plugin_directory and the plugin catalog wired in. */
export async function startPluginServer(opts: { logger?: Logger } = {}): Promise<PluginTestServer> {
  const pluginDir = mkdtempSync(join(tmpdir(), 'coffer-plugin-dir-'));
  const server = await startInProcessServer({ plugins: { directory: pluginDir }, ...(opts.logger ? { logger: opts.logger } : {}) });
  const close = server.close.bind(server);
  return Object.assign(server, {
    pluginDir,
    async close() {
      try {
        await close();
      } finally {
        rmSync(pluginDir, { recursive: true, force: true });
      }
    },
  });
}

/** The command the external KV is registered with in plugin_directory. */
export const EXTERNAL_KV_COMMAND = 'kv-external';

/**
 * A dev server on which the built-in "kv" is overridden by the external
 * build of the same engine and reloaded: every kv mount (secret/ and any
 * mounted later) runs in the plugin process.
 */
export async function startExternalKvServer(opts: { logger?: Logger } = {}): Promise<PluginTestServer> {
  const server = await startPluginServer(opts);
  try {
    const sha256 = await installExternalKv(server.pluginDir, EXTERNAL_KV_COMMAND);
    // No version: the registration overrides the built-in of the same name.
    const registered = await server.request('PUT', 'sys/plugins/catalog/secret/kv', { sha256, command: EXTERNAL_KV_COMMAND });
    assert.equal(registered.status, 204, JSON.stringify(registered.body));
    const info = await server.request('GET', 'sys/plugins/catalog/secret/kv');
    assert.equal(info.status, 200, JSON.stringify(info.body));
    assert.equal(info.body.data.builtin, false, 'the external registration replaces the built-in kv');
    assert.equal(info.body.data.sha256, sha256);

    const reloaded = await server.request('PUT', 'sys/plugins/reload/backend', { plugin: 'kv' });
    assert.ok(reloaded.status === 200 || reloaded.status === 204, `reload: ${reloaded.status} ${JSON.stringify(reloaded.body)}`);
    await assertServedExternally(server, 'secret/', sha256);
    return server;
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** sys/mounts says the mount runs the external binary with this sha256 (a built-in has none). */
export async function assertServedExternally(server: InProcessServer, mountPath: string, sha256?: string): Promise<void> {
  const mounts = await server.request('GET', 'sys/mounts');
  assert.equal(mounts.status, 200, JSON.stringify(mounts.body));
  const entry = mounts.body.data[mountPath];
  assert.ok(entry, `no mount ${mountPath}`);
  const expected = sha256 ?? (await externalKvBinary()).sha256;
  assert.equal(entry.running_sha256, expected, `${mountPath} is not served by the external kv: ${JSON.stringify(entry)}`);
}

/** Every kv mount of the server runs the external binary. */
export async function assertEveryKvMountExternal(server: InProcessServer): Promise<string[]> {
  const { sha256 } = await externalKvBinary();
  const mounts = await server.request('GET', 'sys/mounts');
  const kvMounts = Object.entries(mounts.body.data as Record<string, { type: string; running_sha256?: string }>).filter(([, m]) => m.type === 'kv');
  assert.ok(kvMounts.length > 0, 'no kv mount');
  for (const [path, m] of kvMounts) assert.equal(m.running_sha256, sha256, `${path} is not served by the external kv`);
  return kvMounts.map(([path]) => path);
}
