// Bad input and misbehaving plugins, through the coffer CLI against a real
// server: each is refused with a 400 and a message that says what is wrong,
// a crashed plugin is started again on the next request, and the server
// keeps serving everything else throughout.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildFixture, builtExamples, PluginServer, processesRunning, REPO_ROOT, sha256Of, warningsOf } from './support.js';

describe('bad plugins and bad registrations (coffer CLI, real server)', () => {
  let s: PluginServer;
  let outside: string;
  let v1File: string;
  let v2File: string;
  let authFile: string;
  let crashFile: string;

  /** A shell script "plugin" in plugin_directory; returns its sha256. */
  const script = (name: string, body: string): string => {
    const path = join(s.pluginDir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return sha256Of(path);
  };

  /** The CLI fails with a 400 whose message matches; nothing was registered; the healthy mount still answers. */
  const refused = async (args: string[], message: RegExp): Promise<string> => {
    const stderr = await s.fails(args);
    assert.match(stderr, /Code: 400/, stderr);
    assert.match(stderr, message);
    await stillServing();
    return stderr;
  };

  const stillServing = async (): Promise<void> => {
    const read = await s.json(['read', 'healthy/app']);
    assert.deepEqual(read.data, { password: 'still-here' });
  };

  before(async () => {
    const { plugins } = await builtExamples();
    v1File = plugins.get('kv-secrets-v1')!.file;
    v2File = plugins.get('kv-secrets-v2')!.file;
    authFile = plugins.get('auth-api-key-v1')!.file;
    outside = mkdtempSync(join(tmpdir(), 'coffer-outside-'));
    crashFile = buildFixture(join(REPO_ROOT, 'test/plugins/fixtures/crash-plugin.ts'), join(outside, 'crash-plugin'));
    s = await PluginServer.start();
    const sha = s.install(v1File, 'healthy-kv');
    await s.ok(['plugin', 'register', `-sha256=${sha}`, 'secret', 'healthy-kv']);
    await s.ok(['secrets', 'enable', '-path=healthy', 'healthy-kv']);
    await s.ok(['write', 'healthy/app', 'password=still-here']);
  });
  after(async () => {
    await s?.stop();
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses a wrong sha256, and one that is not hex', async () => {
    s.install(v1File, 'kv-secrets-v1');
    const wrong = sha256Of(v2File);
    const stderr = await refused(['plugin', 'register', `-sha256=${wrong}`, '-command=kv-secrets-v1', 'secret', 'wrong-sha'], /sha256 mismatch/);
    assert.match(stderr, new RegExp(`catalog expects ${wrong}`));
    await refused(['plugin', 'register', '-sha256=not-hex', '-command=kv-secrets-v1', 'secret', 'wrong-sha'], /64 hexadecimal digits/);
    await s.fails(['plugin', 'info', 'secret', 'wrong-sha']);
  });

  it('refuses a binary that prints garbage instead of a handshake', async () => {
    const sha = script('garbage', 'echo "hello, I am not a plugin"\nexec sleep 30');
    const stderr = await refused(['plugin', 'register', `-sha256=${sha}`, '-command=garbage', 'secret', 'garbage'], /did not print a Coffer handshake line/);
    assert.match(stderr, /hello, I am not a plugin/);
    assert.deepEqual(processesRunning(join(s.pluginDir, 'garbage')), [], 'the garbage process was stopped');
  });

  it('refuses a binary that exits at once, quoting its exit code and stderr', async () => {
    const sha = script('exits', 'echo "missing config file" >&2\nexit 7');
    const stderr = await refused(['plugin', 'register', `-sha256=${sha}`, '-command=exits', 'secret', 'exits'], /exited with code 7 before its handshake/);
    assert.match(stderr, /missing config file/);
  });

  it('refuses a binary that hangs before its handshake, and stops it', async () => {
    const pidFile = join(outside, 'hangs.pid');
    const sha = script('hangs', `echo $$ > ${pidFile}\nexec sleep 60`);
    await refused(['plugin', 'register', `-sha256=${sha}`, '-command=hangs', 'secret', 'hangs'], /printed no handshake line within \d+ ms/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.throws(() => process.kill(pid, 0), 'the hanging process was stopped');
  });

  it('refuses commands outside plugin_directory: "..", absolute paths, symlinks that lead out', async () => {
    const outsideBinary = join(outside, 'kv-outside');
    copyFileSync(v1File, outsideBinary);
    chmodSync(outsideBinary, 0o755);
    const sha = sha256Of(outsideBinary);
    await refused(['plugin', 'register', `-sha256=${sha}`, `-command=../${outside.split('/').pop()}/kv-outside`, 'secret', 'escape'], /contains "\.\."/);
    await refused(['plugin', 'register', `-sha256=${sha}`, `-command=${outsideBinary}`, 'secret', 'escape'], /absolute path/);
    symlinkSync(outsideBinary, join(s.pluginDir, 'link-out'));
    await refused(['plugin', 'register', `-sha256=${sha}`, '-command=link-out', 'secret', 'escape'], /outside the plugin directory/);
    // A symlink that stays inside the directory is fine.
    const insideSha = s.install(v1File, 'kv-real');
    symlinkSync(join(s.pluginDir, 'kv-real'), join(s.pluginDir, 'kv-link'));
    await s.ok(['plugin', 'register', `-sha256=${insideSha}`, '-command=kv-link', 'secret', 'linked-kv']);
    await s.ok(['plugin', 'deregister', 'secret', 'linked-kv']);
  });

  it('refuses a missing binary, a file that is not executable, the wrong type and the wrong version', async () => {
    await refused(['plugin', 'register', `-sha256=${'a'.repeat(64)}`, '-command=not-there', 'secret', 'missing'], /not found in the plugin directory/);
    const notExec = join(s.pluginDir, 'not-exec');
    copyFileSync(v1File, notExec);
    chmodSync(notExec, 0o644);
    await refused(['plugin', 'register', `-sha256=${sha256Of(notExec)}`, '-command=not-exec', 'secret', 'not-exec'], /not executable/);
    const authSha = s.install(authFile, 'auth-api-key-v1');
    await refused(['plugin', 'register', `-sha256=${authSha}`, '-command=auth-api-key-v1', 'secret', 'wrong-type'], /is an auth method plugin \("auth"\), but it was registered as type "secret"/);
    const kvSha = s.install(v1File, 'kv-secrets-v1');
    await refused(['plugin', 'register', `-sha256=${kvSha}`, '-command=kv-secrets-v1', '-version=v3.0.0', 'secret', 'wrong-version'], /reports version v1\.0\.0, but the registration says v3\.0\.0/);
    const list = await s.ok(['plugin', 'list', 'secret']);
    for (const name of ['missing', 'not-exec', 'wrong-type', 'wrong-version', 'garbage', 'exits', 'hangs', 'escape']) {
      assert.doesNotMatch(list, new RegExp(`^${name}\\s`, 'm'), `${name} must not be in the catalog`);
    }
  });

  it('checks the sha256 again before every launch: a swapped binary fails the reload, and the old process keeps serving', async () => {
    const sha = s.install(v1File, 'swapped-kv');
    await s.ok(['plugin', 'register', `-sha256=${sha}`, 'secret', 'swapped-kv']);
    await s.ok(['secrets', 'enable', '-path=swapped', 'swapped-kv']);
    await s.ok(['write', 'swapped/app', 'value=kept']);
    // Someone replaces the file on disk without registering it.
    s.install(v2File, 'swapped-kv');
    const stderr = await s.fails(['plugin', 'reload', '-plugin=swapped-kv']);
    assert.match(stderr, /Code: 400/);
    assert.match(stderr, /sha256 mismatch/);
    assert.match(stderr, /keeps serving with its previous backend/);
    const read = await s.json(['read', 'swapped/app']);
    assert.deepEqual([read.data, warningsOf(read)], [{ value: 'kept' }, []], 'the v1 process still serves');
    // A new mount shares the process already running (checked when it was launched); nothing new is run.
    await s.ok(['secrets', 'enable', '-path=swapped-2', 'swapped-kv']);
    assert.equal(processesRunning(join(s.pluginDir, 'swapped-kv')).length, 1);
    // Once the registered binary is back, the reload goes through.
    s.install(v1File, 'swapped-kv');
    await s.ok(['plugin', 'reload', '-plugin=swapped-kv']);
    assert.deepEqual((await s.json(['read', 'swapped/app'])).data, { value: 'kept' });
    await stillServing();
  });

  it('starts a crashed plugin again: the request that crashed it fails with 503, the next one works', async () => {
    const sha = s.install(crashFile, 'crash-plugin');
    await s.ok(['plugin', 'register', `-sha256=${sha}`, 'secret', 'crash-plugin']);
    await s.ok(['secrets', 'enable', '-path=crashy', 'crash-plugin']);
    await s.ok(['write', 'crashy/kv/a', 'value=survives']);
    const firstPid = (await s.json(['read', 'crashy/pid'])).data.pid as number;

    const crash = await s.fails(['read', 'crashy/crash']);
    assert.match(crash, /Code: 503/);
    assert.match(crash, /exited with code 3/);
    assert.equal((await s.mount('crashy/')).running_plugin_version, 'v0.0.1');

    const read = await s.json(['read', 'crashy/kv/a']);
    assert.equal(read.data.value, 'survives');
    assert.notEqual(read.data.pid, firstPid, 'a new process serves the mount');
    await stillServing();

    // Killed from outside (OOM killer, an operator): the next request starts it again.
    const pid = read.data.pid as number;
    process.kill(pid, 'SIGKILL');
    while (processesRunning(join(s.pluginDir, 'crash-plugin')).includes(pid)) await new Promise((r) => setTimeout(r, 20));
    const after = await s.json(['read', 'crashy/kv/a']);
    assert.equal(after.data.value, 'survives');
    assert.notEqual(after.data.pid, pid);
    assert.equal(processesRunning(join(s.pluginDir, 'crash-plugin')).length, 1, 'exactly one process runs for the mount');
  });
});
