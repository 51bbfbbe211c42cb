// Overriding a built-in plugin and reverting the override, word for word as
// the procedure goes, with the coffer CLI against a real server: the
// built-in "kv" is replaced by the kv-secrets example plugin (unversioned
// build) on mounts that already hold data, and brought back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { builtExamples, PluginServer, processesRunning, UNVERSIONED_WARNING, warningsOf } from './support.js';

describe('overriding and reverting a built-in plugin (coffer CLI, real server)', () => {
  let s: PluginServer;
  let kvNew: string;

  before(async () => {
    const { plugins } = await builtExamples();
    kvNew = plugins.get('kv-secrets')!.file;
    s = await PluginServer.start();
  });
  after(async () => {
    await s?.stop();
  });

  it('plugin list secret lists the built-ins, and plugin info says they are built in', async () => {
    const list = await s.ok(['plugin', 'list', 'secret']);
    assert.match(list, /^kv\s+v\d+\.\d+\.\d+\+builtin$/m);
    assert.doesNotMatch(list, /cubbyhole/, 'core singletons are not plugins anyone can mount');
    const auth = await s.ok(['plugin', 'list', 'auth']);
    assert.match(auth, /^userpass\s+v\d+\.\d+\.\d+\+builtin$/m);
    assert.match(auth, /^approle\s/m);

    const info = await s.ok(['plugin', 'info', 'secret', 'kv']);
    assert.match(info, /^args\s+\[\]$/m);
    assert.match(info, /^builtin\s+true$/m);
    assert.match(info, /^command\s+n\/a$/m);
    assert.match(info, /^name\s+kv$/m);
    assert.match(info, /^sha256\s+n\/a$/m);

    const missing = await s.fails(['plugin', 'info', 'secret', 'no-such-plugin']);
    assert.match(missing, /no-such-plugin/);
  });

  it('overrides the built-in kv in place, keeping the data of every mount, then reverts', async () => {
    // Data written by the built-in engine, on a version 2 and a version 1 mount.
    // The plugin names itself in a response header, which reaches the client only when the mount allows it.
    await s.ok(['secrets', 'enable', '-path=secret', '-version=2', '-allowed-response-headers=X-Coffer-Plugin', 'kv']);
    await s.ok(['secrets', 'enable', '-path=legacy', 'kv']);
    await s.ok(['kv', 'put', 'secret/db', 'password=built-in-1']);
    await s.ok(['kv', 'put', 'secret/db', 'password=built-in-2']);
    await s.ok(['write', 'legacy/app', 'token=abc']);
    assert.deepEqual(warningsOf(await s.json(['kv', 'get', 'secret/db'])), [], 'the built-in adds no warning');

    // The binary is in the plugin directory; register it under the built-in's name.
    const sha = s.install(kvNew, 'kv_new');
    assert.equal(await s.ok(['plugin', 'register', `-sha256=${sha}`, '-command=kv_new', 'secret', 'kv']), 'Success! Registered plugin: kv\n');
    let info = await s.ok(['plugin', 'info', 'secret', 'kv']);
    assert.match(info, /^args\s+\[\]$/m);
    assert.match(info, /^builtin\s+false$/m);
    assert.match(info, /^command\s+kv_new$/m);
    assert.match(info, /^name\s+kv$/m);
    assert.match(info, new RegExp(`^sha256\\s+${sha}$`, 'm'));

    // Overridden, but not yet handling requests.
    assert.deepEqual(warningsOf(await s.json(['kv', 'get', 'secret/db'])), []);
    assert.deepEqual(processesRunning(`${s.pluginDir}/kv_new`), []);

    assert.equal(await s.ok(['plugin', 'reload', '-plugin=kv']), 'Success! Reloaded plugin: kv\n');
    // Every mount of kv changed (the caveat of an override), with its data.
    let v2 = await s.json(['kv', 'get', 'secret/db']);
    assert.deepEqual(v2.data.data, { password: 'built-in-2' });
    assert.equal(v2.data.metadata.version, 2, 'the version history of the built-in is kept');
    assert.deepEqual(warningsOf(v2), [UNVERSIONED_WARNING], 'the external plugin serves secret/');
    let v1 = await s.json(['read', 'legacy/app']);
    assert.deepEqual([v1.data, warningsOf(v1)], [{ token: 'abc' }, [UNVERSIONED_WARNING]]);
    assert.equal(processesRunning(`${s.pluginDir}/kv_new`).length, 1, 'one process serves both mounts');
    const mount = await s.mount('secret/');
    assert.equal(mount.running_sha256, sha);
    assert.equal(mount.type, 'kv');

    // The plugin writes in the built-in's layout: a new version and an older one still readable.
    await s.ok(['kv', 'put', 'secret/db', 'password=external-3']);
    assert.deepEqual((await s.json(['kv', 'get', '-version=1', 'secret/db'])).data.data, { password: 'built-in-1' });
    const headers = await s.http('GET', 'secret/data/db');
    assert.equal(headers.headers.get('x-coffer-plugin'), 'kv-secrets (unversioned)');

    // The detailed list shows the external registration in place of the built-in.
    const detailed = await s.ok(['plugin', 'list', '-detailed']);
    assert.match(detailed, /^kv\s+secret\s+n\/a\s/m);
    assert.doesNotMatch(detailed, /^kv\s+secret\s+v\d+\.\d+\.\d+\+builtin/m);

    // Revert: deregister, check, reload.
    assert.equal(await s.ok(['plugin', 'deregister', 'secret', 'kv']), 'Success! Deregistered plugin (if it was registered): kv\n');
    info = await s.ok(['plugin', 'info', 'secret', 'kv']);
    assert.match(info, /^builtin\s+true$/m);
    assert.match(info, /^command\s+n\/a$/m);
    assert.match(info, /^sha256\s+n\/a$/m);
    assert.equal(await s.ok(['plugin', 'reload', '-plugin=kv']), 'Success! Reloaded plugin: kv\n');

    v2 = await s.json(['kv', 'get', 'secret/db']);
    assert.deepEqual([v2.data.data, v2.data.metadata.version, warningsOf(v2)], [{ password: 'external-3' }, 3, []], 'the built-in serves what the plugin wrote');
    v1 = await s.json(['read', 'legacy/app']);
    assert.deepEqual([v1.data, warningsOf(v1)], [{ token: 'abc' }, []]);
    assert.deepEqual(processesRunning(`${s.pluginDir}/kv_new`), [], 'the plugin process is gone');
    assert.equal((await s.http('GET', 'secret/data/db')).headers.get('x-coffer-plugin'), null);

    // Deregistering a built-in that is not overridden changes nothing.
    assert.equal((await s.cli(['plugin', 'deregister', 'secret', 'kv'])).code, 0);
    assert.match(await s.ok(['plugin', 'info', 'secret', 'kv']), /^builtin\s+true$/m);
  });

  it('a pinned built-in version is refused while an override exists', async () => {
    const sha = s.install(kvNew, 'kv_new');
    await s.ok(['plugin', 'register', `-sha256=${sha}`, '-command=kv_new', 'secret', 'kv']);
    try {
      const builtinVersion = /^version\s+(\S+)$/m.exec(await s.ok(['plugin', 'info', '-version=v0.1.0+builtin', 'secret', 'kv']));
      assert.ok(builtinVersion, 'the built-in stays addressable by its +builtin version');
      const refused = await s.fails(['secrets', 'enable', '-path=builtin-asked', `-plugin-version=${builtinVersion[1]}`, 'kv']);
      assert.match(refused, /Code: 400/);
      assert.match(refused, /overridden/);
    } finally {
      await s.ok(['plugin', 'deregister', 'secret', 'kv']);
    }
  });
});
