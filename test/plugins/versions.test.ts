// Versioned plugin registrations: several versions of one plugin in the
// catalog, a mount moved between them with `secrets tune -plugin-version` or
// a pin, then `plugin reload` — with the coffer CLI against a real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { builtExamples, PluginServer, V2_WARNING, warningsOf } from './support.js';

describe('versioned plugins: tune -plugin-version, pins (coffer CLI, real server)', () => {
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

  it('upgrades and downgrades a versioned registration with secrets tune -plugin-version', async () => {
    const sha1 = s.install(v1File, 'kv-secrets-v1');
    const sha2 = s.install(v2File, 'kv-secrets-v2');
    await s.ok(['plugin', 'register', `-sha256=${sha1}`, '-command=kv-secrets-v1', '-version=v1.0.0', 'secret', 'versioned-kv']);
    await s.ok(['secrets', 'enable', '-path=versioned', '-plugin-version=v1.0.0', 'versioned-kv']);
    await s.ok(['write', 'versioned/app', 'password=one']);
    await s.ok(['plugin', 'register', `-sha256=${sha2}`, '-command=kv-secrets-v2', '-version=v2.0.0', 'secret', 'versioned-kv']);

    const list = await s.ok(['plugin', 'list', '-detailed']);
    assert.match(list, /^versioned-kv\s+secret\s+v1\.0\.0\s/m);
    assert.match(list, /^versioned-kv\s+secret\s+v2\.0\.0\s/m);
    assert.match(await s.ok(['plugin', 'info', '-version=v2.0.0', 'secret', 'versioned-kv']), /^command\s+kv-secrets-v2$/m);

    // A mount asks for its own version: a reload alone restarts v1.
    await s.ok(['plugin', 'reload', '-plugin=versioned-kv']);
    assert.equal((await s.mount('versioned/')).running_plugin_version, 'v1.0.0');

    await s.ok(['secrets', 'tune', '-plugin-version=v2.0.0', 'versioned/']);
    let mount = await s.mount('versioned/');
    assert.deepEqual([mount.plugin_version, mount.running_plugin_version], ['v2.0.0', 'v1.0.0'], 'tuning alone does not switch the process');
    await s.ok(['plugin', 'reload', '-plugin=versioned-kv']);
    mount = await s.mount('versioned/');
    assert.deepEqual([mount.running_plugin_version, mount.running_sha256], ['v2.0.0', sha2]);
    const read = await s.json(['read', 'versioned/app']);
    assert.deepEqual([read.data, warningsOf(read)], [{ password: 'one' }, [V2_WARNING]]);
    await s.ok(['write', 'versioned/from-v2', 'value=two']);

    // Downgrade: the data written by v2 stays readable by v1.
    await s.ok(['secrets', 'tune', '-plugin-version=v1.0.0', 'versioned/']);
    await s.ok(['plugin', 'reload', '-mounts=versioned/']);
    assert.equal((await s.mount('versioned/')).running_plugin_version, 'v1.0.0');
    const back = await s.json(['read', 'versioned/from-v2']);
    assert.deepEqual([back.data, warningsOf(back)], [{ value: 'two' }, []]);
    assert.deepEqual((await s.json(['read', 'versioned/app'])).data, { password: 'one' });

    // A version that is not registered is refused, and the mount keeps its own.
    const wrong = await s.fails(['secrets', 'enable', '-path=versioned-bad', '-plugin-version=v9.9.9', 'versioned-kv']);
    assert.match(wrong, /Code: 400/);
    assert.match(wrong, /v9\.9\.9/);
  });

  it('pins a version for every mount of a plugin, and unpins it', async () => {
    const sha1 = s.install(v1File, 'kv-secrets-v1');
    const sha2 = s.install(v2File, 'kv-secrets-v2');
    await s.ok(['plugin', 'register', `-sha256=${sha1}`, '-command=kv-secrets-v1', '-version=v1.0.0', 'secret', 'pinned-kv']);
    await s.ok(['plugin', 'register', `-sha256=${sha2}`, '-command=kv-secrets-v2', '-version=v2.0.0', 'secret', 'pinned-kv']);
    await s.ok(['secrets', 'enable', '-path=pinned', '-plugin-version=v1.0.0', 'pinned-kv']);
    await s.ok(['write', 'pinned/app', 'password=one']);

    assert.equal(await s.ok(['plugin', 'pin', '-version=v2.0.0', 'secret', 'pinned-kv']), 'Success! Pinned plugin pinned-kv (secret) to version v2.0.0\n');
    assert.match(await s.ok(['plugin', 'pins']), /^pinned-kv\s+secret\s+v2\.0\.0$/m);
    assert.equal((await s.mount('pinned/')).running_plugin_version, 'v1.0.0', 'a pin applies at the next reload');
    await s.ok(['plugin', 'reload', '-plugin=pinned-kv']);
    assert.equal((await s.mount('pinned/')).running_plugin_version, 'v2.0.0');
    assert.deepEqual(warningsOf(await s.json(['read', 'pinned/app'])), [V2_WARNING]);

    const refused = await s.fails(['plugin', 'deregister', '-version=v2.0.0', 'secret', 'pinned-kv']);
    assert.match(refused, /Code: 400/);
    assert.match(refused, /pinned/);

    await s.ok(['plugin', 'unpin', 'secret', 'pinned-kv']);
    await s.ok(['plugin', 'reload', '-plugin=pinned-kv']);
    assert.equal((await s.mount('pinned/')).running_plugin_version, 'v1.0.0');
    assert.deepEqual((await s.json(['read', 'pinned/app'])).data, { password: 'one' });
  });

});
