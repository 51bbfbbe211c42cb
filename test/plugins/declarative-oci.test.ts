// Declarative plugins pulled from an OCI image: a real registry (Debian's
// docker-registry) on loopback holds the kv-secrets example in two tagged
// versions; the server config declares `image`, `binary_name`, `version` and
// `sha256`, and the server pulls, checks, registers and runs the binary.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/coffer-process.js';
import { skipWithoutTools } from '../support/external-tools.js';
import { builtExamples, PluginServer, sha256Of, V2_WARNING, warningsOf } from './support.js';
import { REGISTRY_BIN, startRegistry, type LocalRegistry } from './support/oci-registry.js';

describe('declarative plugins from an OCI image (docker-registry on loopback)', { skip: skipWithoutTools([REGISTRY_BIN], 'docker-registry') }, () => {
  let registry: LocalRegistry;
  let s: PluginServer;
  let baseConfig: string;
  let sha1: string;
  let sha2: string;

  const declare = (version: string, sha256: string, extra = '') =>
    writeFileSync(
      s.configPath,
      `${baseConfig}\nplugin "secret" "my-kv" {\n  image = "${registry.host}/coffer/kv-secrets"\n  binary_name = "kv-secrets"\n  version = "${version}"\n  sha256 = "${sha256}"\n}\n${extra}`,
    );

  before(async () => {
    const { plugins } = await builtExamples();
    const v1 = readFileSync(plugins.get('kv-secrets-v1')!.file);
    const v2 = readFileSync(plugins.get('kv-secrets-v2')!.file);
    sha1 = sha256Of(plugins.get('kv-secrets-v1')!.file);
    sha2 = sha256Of(plugins.get('kv-secrets-v2')!.file);
    registry = await startRegistry();
    await registry.push('coffer/kv-secrets', 'v1.0.0', 'kv-secrets', v1);
    await registry.push('coffer/kv-secrets', 'v2.0.0', 'kv-secrets', v2);
    s = await PluginServer.start();
    baseConfig = readFileSync(s.configPath, 'utf8');
  });
  after(async () => {
    await s?.stop();
    await registry?.stop();
  });

  it('plugin init pulls and checks; a pulled file whose sha256 differs is refused and not written', async () => {
    declare('v1.0.0', sha1, `plugin "secret" "wrong-sum" {\n  image = "${registry.host}/coffer/kv-secrets:v1.0.0"\n  binary_name = "kv-secrets"\n  sha256 = "${sha2}"\n}\n`);
    const check = await runCli(['plugin', 'init', `-config=${s.configPath}`], { HOME: s.pluginDir });
    assert.equal(check.code, 2, check.stdout + check.stderr);
    assert.match(check.stdout, new RegExp(`^ok: +secret plugin "my-kv" v1\\.0\\.0, command "\\.oci-cache/${sha1}/kv-secrets"`, 'm'));
    assert.match(check.stderr, /error: secret plugin "wrong-sum" .*sha256 mismatch for plugin "wrong-sum": "kv-secrets" in image .* has sha256 [0-9a-f]{64}, but the declaration says .*nothing was written/);
    assert.equal(sha256Of(join(s.pluginDir, '.oci-cache', sha1, 'kv-secrets')), sha1);
    assert.ok(!existsSync(join(s.pluginDir, '.oci-cache', sha2)));
  });

  it('the server registers the pulled binary at unseal; it mounts and serves', async () => {
    declare('v1.0.0', sha1);
    await s.restart();
    const info = await s.json(['plugin', 'info', '-version=v1.0.0', 'secret', 'my-kv']);
    assert.deepEqual([info.command, info.sha256], [`.oci-cache/${sha1}/kv-secrets`, sha1]);
    await s.ok(['secrets', 'enable', 'my-kv']);
    await s.ok(['write', 'my-kv/app', 'password=from-an-image']);
    const read = await s.json(['read', 'my-kv/app']);
    assert.deepEqual([read.data, warningsOf(read)], [{ password: 'from-an-image' }, []]);
  });

  it('a new tag in the config is pulled at restart, and the mount moves to it; the cache needs no registry afterwards', async () => {
    declare('v2.0.0', sha2);
    await s.restart();
    await s.ok(['secrets', 'tune', '-plugin-version=v2.0.0', 'my-kv/']);
    await s.ok(['plugin', 'reload', '-plugin', 'my-kv']);
    assert.equal((await s.mount('my-kv/')).running_plugin_version, 'v2.0.0');
    const read = await s.json(['read', 'my-kv/app']);
    assert.deepEqual([read.data, warningsOf(read)], [{ password: 'from-an-image' }, [V2_WARNING]]);

    await registry.stop();
    await s.restart();
    assert.doesNotMatch(s.server.output(), /was not registered/, 'the pulled binary is in plugin_directory: no registry needed');
    assert.equal((await s.json(['read', 'my-kv/app'])).data.password, 'from-an-image');
  });
});
