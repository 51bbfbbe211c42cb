// The external plugin upgrade procedure, followed word for word with the
// coffer CLI against a real server process (sqlite storage, plugin_directory),
// with the kv-secrets example plugin in its v1 and v2 builds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtExamples, PluginServer, processesRunning, REPO_ROOT, sha256Of, V2_WARNING, warningsOf } from './support.js';

describe('plugin upgrade procedure (coffer CLI, real server)', () => {
  let s: PluginServer;
  let v1File: string;
  let v2File: string;

  before(async () => {
    const { plugins } = await builtExamples();
    v1File = plugins.get('kv-secrets-v1')!.file;
    v2File = plugins.get('kv-secrets-v2')!.file;
    s = await PluginServer.start();
  });
  after(async () => {
    await s?.stop();
  });

  it('builds every example into single-file executables with one command', () => {
    const out = mkdtempSync(join(tmpdir(), 'coffer-build-examples-'));
    try {
      const run = spawnSync(process.execPath, ['examples/plugins/build.mjs', out], { cwd: REPO_ROOT, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const sums = readFileSync(join(out, 'SHA256SUMS'), 'utf8').trim().split('\n');
      const names = sums.map((line) => line.split(/\s+/)[1]);
      const expected = ['auth-api-key-v1', 'auth-api-key-v2', 'kv-secrets', 'kv-secrets-v1', 'kv-secrets-v2'];
      // The postgres-db example, when present, is built by the same command.
      if (existsSync(join(REPO_ROOT, 'examples/plugins/postgres-db/build.mjs'))) expected.push('my-db-plugin-v1', 'my-db-plugin-v2');
      assert.deepEqual(names, expected.sort());
      for (const line of sums) {
        const [sum, name] = line.split(/\s+/) as [string, string];
        const file = join(out, name);
        assert.equal(sha256Of(file), sum, `SHA256SUMS must match ${name}`);
        accessSync(file, constants.X_OK);
        assert.ok(readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n'), `${name} starts with a node shebang`);
        assert.match(run.stdout, new RegExp(`${sum}\\s+\\S*${name}`));
      }
      // Run by hand (without the server's magic cookie), a plugin explains itself and exits 1.
      const direct = spawnSync(join(out, 'kv-secrets-v1'), [], { encoding: 'utf8' });
      assert.equal(direct.status, 1);
      assert.match(direct.stderr, /plugin for Coffer.*not meant to be run directly/s);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('follows the seed: register v1, enable, register v2 under the same name, reload -plugin', async () => {
    // The binary is named like the plugin, so step 1 needs no -command (it defaults to the name).
    const sha1 = s.install(v1File, 'my-kv');
    const sha2 = s.install(v2File, 'my-kv-v2');

    // 1. Register version 1 of my-kv to the catalog.
    assert.equal(await s.ok(['plugin', 'register', `-sha256=${sha1}`, 'secret', 'my-kv']), 'Success! Registered plugin: my-kv\n');
    // 2. Mount the plugin backend.
    assert.equal(await s.ok(['secrets', 'enable', 'my-kv']), 'Success! Enabled the my-kv secrets engine at: my-kv/\n');
    await s.ok(['write', 'my-kv/app', 'username=app', 'password=correct-horse']);
    let secret = await s.json(['read', 'my-kv/app']);
    assert.deepEqual(secret.data, { username: 'app', password: 'correct-horse' });
    assert.deepEqual(warningsOf(secret), [], 'v1 adds no warning');

    // 3. Register version 2 under the same name, with the new command and sha256.
    assert.equal(await s.ok(['plugin', 'register', `-sha256=${sha2}`, '-command=my-kv-v2', 'secret', 'my-kv']), 'Success! Registered plugin: my-kv\n');
    const info = await s.ok(['plugin', 'info', 'secret', 'my-kv']);
    assert.match(info, /^builtin\s+false$/m);
    assert.match(info, /^command\s+my-kv-v2$/m);
    assert.match(info, new RegExp(`^sha256\\s+${sha2}$`, 'm'));

    // Until the reload, the mount still runs version 1.
    let mount = await s.mount('my-kv/');
    assert.equal(mount.running_plugin_version, 'v1.0.0');
    assert.equal(mount.running_sha256, sha1);
    assert.deepEqual(warningsOf(await s.json(['read', 'my-kv/app'])), []);
    const v1Path = join(s.pluginDir, 'my-kv');
    assert.equal(processesRunning(v1Path).length, 1, 'one v1 process serves the mount');

    // 4. Reload every mount of the plugin.
    assert.equal(await s.ok(['plugin', 'reload', '-plugin', 'my-kv']), 'Success! Reloaded plugin: my-kv\n');
    mount = await s.mount('my-kv/');
    assert.equal(mount.running_plugin_version, 'v2.0.0');
    assert.equal(mount.running_sha256, sha2);
    secret = await s.json(['read', 'my-kv/app']);
    assert.deepEqual(secret.data, { username: 'app', password: 'correct-horse' }, 'the data survives the upgrade');
    assert.deepEqual(warningsOf(secret), [V2_WARNING], 'version 2 serves the mount');
    assert.deepEqual(processesRunning(v1Path), [], 'the v1 process was stopped');
    assert.equal(processesRunning(join(s.pluginDir, 'my-kv-v2')).length, 1);

    // The new process serves writes too, and the CLI shows v2's warning.
    await s.ok(['write', 'my-kv/after', 'value=2']);
    const table = await s.ok(['read', 'my-kv/after']);
    assert.match(table, /^value\s+2$/m);
    const shown = await s.cli(['read', 'my-kv/after']);
    assert.match(shown.stderr + shown.stdout, /served by the kv-secrets v2\.0\.0 plugin/);
  });

  it('reloads a subset of the mounts with -mounts', async () => {
    const sha1 = s.install(v1File, 'kv-secrets-v1');
    const sha2 = s.install(v2File, 'kv-secrets-v2');
    await s.ok(['plugin', 'register', `-sha256=${sha1}`, '-command=kv-secrets-v1', 'secret', 'team-kv']);
    await s.ok(['secrets', 'enable', '-path=team-a', 'team-kv']);
    await s.ok(['secrets', 'enable', '-path=team-b', 'team-kv']);
    await s.ok(['write', 'team-a/db', 'password=a']);
    await s.ok(['write', 'team-b/db', 'password=b']);
    await s.ok(['plugin', 'register', `-sha256=${sha2}`, '-command=kv-secrets-v2', 'secret', 'team-kv']);

    assert.equal(await s.ok(['plugin', 'reload', '-mounts=team-a/']), 'Success! Reloaded mounts: [team-a/]\n');
    assert.equal((await s.mount('team-a/')).running_plugin_version, 'v2.0.0');
    assert.equal((await s.mount('team-b/')).running_plugin_version, 'v1.0.0', 'mounts not named keep running v1');
    let a = await s.json(['read', 'team-a/db']);
    let b = await s.json(['read', 'team-b/db']);
    assert.deepEqual([a.data.password, warningsOf(a)], ['a', [V2_WARNING]]);
    assert.deepEqual([b.data.password, warningsOf(b)], ['b', []]);

    // Mount paths may be given without the trailing slash, several at once.
    assert.equal(await s.ok(['plugin', 'reload', '-mounts=team-a,team-b']), 'Success! Reloaded mounts: [team-a team-b]\n');
    b = await s.json(['read', 'team-b/db']);
    assert.deepEqual([b.data.password, warningsOf(b)], ['b', [V2_WARNING]]);
    a = await s.json(['read', 'team-a/db']);
    assert.equal(a.data.password, 'a');
    assert.equal((await s.mount('team-b/')).running_sha256, sha2);

    const missing = await s.fails(['plugin', 'reload', '-mounts=no-such-mount/']);
    assert.match(missing, /Code: 400/);
    assert.match(missing, /no mount at "no-such-mount\/"/);
  });

  it('reloads with -scope=global and reports the result through reload-status', async () => {
    const out = await s.ok(['plugin', 'reload', '-plugin=my-kv', '-scope=global']);
    const match = /^Success! Reloading plugin: my-kv, reload_id: ([0-9a-f-]{36})\n$/.exec(out);
    assert.ok(match, out);
    const reloadId = match[1]!;

    const status = await s.ok(['plugin', 'reload-status', reloadId]);
    assert.match(status, /^Time\s+Participant\s+Success\s+Message/m);
    const rows = status.trim().split('\n').slice(2);
    assert.equal(rows.length, 1, 'one node took part');
    assert.match(rows[0]!, /^\d{2}:\d{2}:\d{2}\s+\S+\s+true\s+n\/a\s*$/);
    const json = await s.json(['plugin', 'reload-status', reloadId]);
    assert.equal(json.reload_id, reloadId);
    assert.deepEqual(Object.values(json.results).map((r: any) => r.error ?? ''), ['']);

    // The global reload really restarted the mount: still v2, data intact.
    const read = await s.json(['read', 'my-kv/app']);
    assert.deepEqual([read.data.password, warningsOf(read)], ['correct-horse', [V2_WARNING]]);

    const unknown = await s.fails(['plugin', 'reload-status', '00000000-0000-0000-0000-000000000000']);
    assert.match(unknown, /404|No value|not found/i);
  });

  it('stops a plugin process when its last mount is disabled, and every process on seal', async () => {
    const sha = s.install(v1File, 'short-lived-kv');
    await s.ok(['plugin', 'register', `-sha256=${sha}`, 'secret', 'short-lived-kv']);
    await s.ok(['secrets', 'enable', '-path=short-1', 'short-lived-kv']);
    await s.ok(['secrets', 'enable', '-path=short-2', 'short-lived-kv']);
    const binary = join(s.pluginDir, 'short-lived-kv');
    assert.equal(processesRunning(binary).length, 1, 'one process serves both mounts');
    await s.ok(['secrets', 'disable', 'short-1/']);
    assert.equal(processesRunning(binary).length, 1, 'short-2/ still uses it');
    await s.ok(['secrets', 'disable', 'short-2/']);
    assert.deepEqual(processesRunning(binary), []);

    assert.equal(processesRunning(join(s.pluginDir, 'my-kv-v2')).length, 1);
    await s.ok(['operator', 'seal']);
    // sys/seal answers first and seals right after, so wait for the seal to finish.
    const deadline = Date.now() + 15_000;
    while (processesRunning(join(s.pluginDir, 'my-kv-v2')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(processesRunning(join(s.pluginDir, 'my-kv-v2')), [], 'sealing stops the plugin processes');
    const status = await s.cli(['status'], '');
    assert.equal(status.code, 2, 'coffer status exits 2 while sealed');
    assert.match(status.stdout, /^Sealed\s+true$/m);
    await s.ok(['operator', 'unseal', s.unsealKey], '');
    const read = await s.json(['read', 'my-kv/app']);
    assert.deepEqual([read.data.password, warningsOf(read)], ['correct-horse', [V2_WARNING]]);
  });

  it('brings the plugin mounts back after a server restart, on the registered version', async () => {
    await s.restart();
    const read = await s.json(['read', 'my-kv/app']);
    assert.deepEqual([read.data.password, warningsOf(read)], ['correct-horse', [V2_WARNING]]);
    const mount = await s.mount('my-kv/');
    assert.equal(mount.running_plugin_version, 'v2.0.0');
    assert.deepEqual((await s.json(['read', 'team-b/db'])).data, { password: 'b' });
  });
});
