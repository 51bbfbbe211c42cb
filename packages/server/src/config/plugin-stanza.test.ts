import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCofferError } from '@coffer/sdk';
import { mergeFragments, finalizeConfig } from './merge.js';
import { parseConfig, parseConfigFragment } from './parse.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'B'.repeat(64);

function configError(text: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => parseConfig(text, 'server.hcl'),
    (err: unknown) => {
      assert.ok(isCofferError(err), String(err));
      assert.equal(err.status, 400);
      for (const p of patterns) assert.match(err.message, p);
      return true;
    },
  );
}

test('plugin stanzas in HCL: type, name, command (default: the name), version, sha256, args, env, image', () => {
  const { config, warnings } = parseConfig(
    `
plugin_directory = "/opt/plugins"

plugin "secret" "my-kv" {
  command = "my-kv-1.0.0"
  version = "v1.0.0"
  sha256  = "${SHA_A}"
  args    = ["-log", "json"]
  env     = ["MY_KV_MODE=fast"]
  runtime = "sandboxed"
}

plugin "auth" "api-key" {
  sha256sum = "${SHA_B}"
  env = { API_KEY_HEADER = "X-Api-Key" }
  image = "registry.example.com/api-key"
}

plugin "secret" "pulled" {
  image = "127.0.0.1:5000/coffer/pulled"
  binary_name = "pulled-plugin"
  command = "ignored"
  version = "v2.0.0"
  sha256 = "${SHA_A}"
  colour = "blue"
}
`,
    'server.hcl',
  );
  assert.deepEqual(config.plugins.slice(0, 2), [
    { type: 'secret', name: 'my-kv', command: 'my-kv-1.0.0', version: 'v1.0.0', sha256: SHA_A, args: ['-log', 'json'], env: ['MY_KV_MODE=fast'], runtime: 'sandboxed', sourceFile: 'server.hcl', line: 4 },
    {
      type: 'auth',
      name: 'api-key',
      command: 'api-key',
      version: '',
      sha256: SHA_B.toLowerCase(),
      args: [],
      env: ['API_KEY_HEADER=X-Api-Key'],
      image: 'registry.example.com/api-key',
      sourceFile: 'server.hcl',
      line: 13,
    },
  ]);
  assert.deepEqual(
    [config.plugins[2]?.image, config.plugins[2]?.binaryName, config.plugins[2]?.version],
    ['127.0.0.1:5000/coffer/pulled', 'pulled-plugin', 'v2.0.0'],
  );
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /line 22: "command" in plugin "secret" "pulled" is ignored: the binary pulled from image is kept in plugin_directory\/\.oci-cache\//);
  assert.match(warnings[1]!, /line 25: unknown key "colour" in plugin "secret" "pulled" is ignored/);
});

test('plugin stanzas in JSON, nested objects or lists of them', () => {
  const json = JSON.stringify({
    plugin: {
      secret: { 'my-kv': { command: 'my-kv-2', version: '2.0.0', sha256: SHA_A } },
      database: [{ 'my-db': [{ sha256: SHA_A, args: '-x' }] }],
    },
  });
  const { config } = parseConfig(json, 'server.json');
  assert.deepEqual(
    config.plugins.map((p) => [p.type, p.name, p.command, p.version, p.args]),
    [
      ['secret', 'my-kv', 'my-kv-2', '2.0.0', []],
      ['database', 'my-db', 'my-db', '', ['-x']],
    ],
  );
});

test('no plugin stanza: no declared plugins', () => {
  assert.deepEqual(parseConfig('ui = true', 'a.hcl').config.plugins, []);
});

test('mistakes in a plugin stanza are config errors with the line', () => {
  configError(`plugin "engine" "x" {\n  sha256 = "${SHA_A}"\n}`, /line 1: plugin "engine" is not a plugin type/);
  configError(`plugin "secret" "x" {\n  command = "x"\n}`, /line 1: plugin "secret" "x" has no sha256/);
  configError(`plugin "secret" "x" {\n  sha256 = "abc"\n}`, /line 2: "sha256" in plugin "secret" "x" must be 64 hexadecimal digits/);
  configError(`plugin "secret" "x" {\n  sha256 = "${SHA_A}"\n  env = ["not a pair"]\n}`, /line 3: entry 1 of "env" in plugin "secret" "x" is not of the form KEY=value/);
  configError(`plugin "secret" {\n  sha256 = "${SHA_A}"\n}`, /needs a name too/);
});

test('an env value is never repeated in an error', () => {
  assert.throws(
    () => parseConfig(`plugin "secret" "x" {\n  sha256 = "${SHA_A}"\n  env = ["TOKEN=s3cr3t", "s3cr3t-too"]\n}`, 'a.hcl'),
    (err: Error) => !err.message.includes('s3cr3t'),
  );
});

test('several files: declarations add up, a later one of the same type, name and version wins', () => {
  const a = parseConfigFragment(`plugin "secret" "kv1" { sha256 = "${SHA_A}" }\nplugin "secret" "kv2" { sha256 = "${SHA_A}" }`, 'a.hcl').fragment;
  const b = parseConfigFragment(`plugin "secret" "kv2" { sha256 = "${SHA_B}" }\nui = true`, 'b.hcl').fragment;
  const merged = finalizeConfig(mergeFragments(mergeFragments({ seals: [], listeners: [] }, a), b));
  assert.deepEqual(
    merged.plugins.map((p) => [p.name, p.sha256[0], p.sourceFile]),
    [
      ['kv1', 'a', 'a.hcl'],
      ['kv2', 'b', 'b.hcl'],
    ],
  );
});
