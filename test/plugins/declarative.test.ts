// Declarative plugins: `plugin "TYPE" "NAME" { … }` stanzas in the server
// configuration, registered at unseal by a real server process, checked
// beforehand by `coffer plugin init`, and upgraded by a config change and a
// restart (the rolling-upgrade procedure of docs/plugins.md).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/coffer-process.js';
import { builtExamples, PluginServer, V2_WARNING, warningsOf } from './support.js';

describe('declarative plugins (plugin stanzas in the server config, real server)', () => {
  let s: PluginServer;
  let baseConfig: string;
  let sha1: string;
  let sha2: string;
  let apiKeySha: string;

  /** The server's config with these plugin stanzas (replacing any written before). */
  const declare = (stanzas: string): void => writeFileSync(s.configPath, `${baseConfig}\n${stanzas}\n`);
  const init = () => runCli(['plugin', 'init', `-config=${s.configPath}`], { HOME: s.pluginDir });
  const stanza = (type: string, name: string, body: Record<string, string>) =>
    `plugin "${type}" "${name}" {\n${Object.entries(body).map(([k, v]) => `  ${k} = "${v}"`).join('\n')}\n}\n`;

  before(async () => {
    const { plugins } = await builtExamples();
    s = await PluginServer.start();
    baseConfig = readFileSync(s.configPath, 'utf8');
    sha1 = s.install(plugins.get('kv-secrets-v1')!.file, 'my-kv-1.0.0');
    sha2 = s.install(plugins.get('kv-secrets-v2')!.file, 'my-kv-2.0.0');
    apiKeySha = s.install(plugins.get('auth-api-key-v1')!.file, 'api-key-1.0.0');
  });
  after(async () => {
    await s?.stop();
  });

  it('plugin init reports each bad declaration and exits non-zero; the server starts anyway without them', async () => {
    declare(
      stanza('secret', 'my-kv', { command: 'my-kv-1.0.0', version: 'v1.0.0', sha256: sha1 }) +
        stanza('auth', 'api-key', { command: 'api-key-1.0.0', version: 'v1.0.0', sha256: apiKeySha }) +
        stanza('secret', 'tampered-kv', { command: 'my-kv-1.0.0', version: 'v1.0.0', sha256: '0'.repeat(64) }) +
        stanza('secret', 'missing-kv', { command: 'not-copied-yet', sha256: sha1 }) +
        stanza('secret', 'wrong-type', { command: 'api-key-1.0.0', sha256: apiKeySha }),
    );

    const check = await init();
    assert.equal(check.code, 2, check.stdout + check.stderr);
    assert.match(check.stdout, new RegExp(`^Plugin directory: ${s.pluginDir}$`, 'm'));
    assert.match(check.stdout, /^ok: +secret plugin "my-kv" v1\.0\.0, command "my-kv-1\.0\.0", declared at .*coffer\.hcl line \d+$/m);
    assert.match(check.stdout, /^ok: +auth plugin "api-key" v1\.0\.0/m);
    assert.match(check.stderr, /^error: secret plugin "tampered-kv" .*sha256 mismatch for plugin "tampered-kv"/m);
    assert.match(check.stderr, /^error: secret plugin "missing-kv" .*plugin binary "not-copied-yet" was not found in the plugin directory/m);
    assert.match(check.stderr, /^error: secret plugin "wrong-type" .*is an auth method plugin \("auth"\), but it was registered as type "secret"/m);
    assert.match(check.stderr, /3 of 5 declared plugins would not be registered at unseal/);

    await s.restart();
    const info = await s.json(['plugin', 'info', '-version=v1.0.0', 'secret', 'my-kv']);
    assert.deepEqual([info.command, info.sha256, info.version, info.builtin], ['my-kv-1.0.0', sha1, 'v1.0.0', false]);
    assert.equal((await s.json(['plugin', 'info', '-version=v1.0.0', 'auth', 'api-key'])).sha256, apiKeySha);
    for (const name of ['tampered-kv', 'missing-kv', 'wrong-type']) {
      const missing = await s.cli(['plugin', 'info', 'secret', name]);
      assert.notEqual(missing.code, 0, `${name} must not be registered`);
    }
    // The server log says which declarations were skipped, and why.
    const log = s.server.output();
    assert.match(log, /declared plugin secret "tampered-kv" was not registered.*sha256 mismatch/);
    assert.match(log, /declared plugin secret "missing-kv" was not registered.*was not found in the plugin directory/);
    assert.match(log, /registered declared plugin.*my-kv/);
  });

  it('plugin init reads JSON configs too, takes -directory, and exits 1 on a config mistake', async () => {
    const json = join(s.pluginDir, '..', 'declared.json');
    writeFileSync(json, JSON.stringify({ plugin: { secret: { 'my-kv': { command: 'my-kv-2.0.0', version: 'v2.0.0', sha256: sha2 } } } }));
    const noDirectory = await runCli(['plugin', 'init', `-config=${json}`], { HOME: s.pluginDir });
    assert.equal(noDirectory.code, 2);
    assert.match(noDirectory.stderr, /no plugin directory is configured/);
    const withDirectory = await runCli(['plugin', 'init', `-config=${json}`, `-directory=${s.pluginDir}`], { HOME: s.pluginDir });
    assert.equal(withDirectory.code, 0, withDirectory.stderr);
    assert.match(withDirectory.stdout, /^ok: +secret plugin "my-kv" v2\.0\.0, command "my-kv-2\.0\.0", declared at .*declared\.json line 1$/m);

    writeFileSync(json, JSON.stringify({ plugin: { secret: { 'my-kv': { sha256: 'not-hex' } } } }));
    const broken = await runCli(['plugin', 'init', `-config=${json}`], { HOME: s.pluginDir });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /"sha256" in plugin "secret" "my-kv" must be 64 hexadecimal digits/);
  });

  it('a declared plugin mounts and serves like a registered one', async () => {
    await s.ok(['secrets', 'enable', 'my-kv']);
    await s.ok(['write', 'my-kv/app', 'password=v1-secret']);
    const read = await s.json(['read', 'my-kv/app']);
    assert.deepEqual([read.data, warningsOf(read)], [{ password: 'v1-secret' }, []]);
    assert.equal((await s.mount('my-kv/')).running_plugin_version, 'v1.0.0');
  });

  it('a new version in the config plus a restart registers it; tune and reload move the mount; removed stanzas deregister nothing', async () => {
    // The upgrade is a config change: only my-kv v2.0.0 is declared now.
    declare(stanza('secret', 'my-kv', { command: 'my-kv-2.0.0', version: 'v2.0.0', sha256: sha2 }));
    const check = await init();
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /Success! All 1 declared plugins are ready to be registered at unseal\./);

    await s.restart();
    const list = await s.json(['plugin', 'list', 'secret']);
    const versions = (list.details as { name: string; version: string }[]).filter((d) => d.name === 'my-kv').map((d) => d.version);
    assert.deepEqual(versions, ['v1.0.0', 'v2.0.0'], 'v1.0.0 stays registered: removing a stanza deregisters nothing');
    assert.equal((await s.json(['plugin', 'info', '-version=v1.0.0', 'auth', 'api-key'])).sha256, apiKeySha);

    // The mount asked for v1.0.0 and still runs it, until it is moved.
    assert.equal((await s.mount('my-kv/')).running_plugin_version, 'v1.0.0');
    await s.ok(['secrets', 'tune', '-plugin-version=v2.0.0', 'my-kv/']);
    assert.equal(await s.ok(['plugin', 'reload', '-plugin', 'my-kv']), 'Success! Reloaded plugin: my-kv\n');
    const mount = await s.mount('my-kv/');
    assert.deepEqual([mount.running_plugin_version, mount.running_sha256], ['v2.0.0', sha2]);
    const read = await s.json(['read', 'my-kv/app']);
    assert.deepEqual([read.data, warningsOf(read)], [{ password: 'v1-secret' }, [V2_WARNING]]);
  });

  it('an unchanged declaration is left alone at restart; a changed sha256 for the same version updates the entry', async () => {
    await s.restart();
    assert.doesNotMatch(s.server.output(), /registered declared plugin|updated declared plugin/, 'nothing to register again');
    assert.equal((await s.mount('my-kv/')).running_plugin_version, 'v2.0.0');

    // The same version re-declared with another build (here the v2 binary under another file name and args).
    declare(stanza('secret', 'my-kv', { command: 'my-kv-2.0.0', version: 'v2.0.0', sha256: sha2 }).replace('}', '  args = ["-rebuilt"]\n}'));
    await s.restart();
    assert.match(s.server.output(), /updated declared plugin/);
    assert.deepEqual((await s.json(['plugin', 'info', '-version=v2.0.0', 'secret', 'my-kv'])).args, ['-rebuilt']);
    assert.equal((await s.json(['read', 'my-kv/app'])).data.password, 'v1-secret');
  });
});
