import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCofferError } from '@coffer/sdk';
import { jsonErrorOffset } from './json-error.js';
import { parseConfig } from './parse.js';
import { DEFAULT_LEASE_TTL_SECONDS, DEFAULT_MAX_REQUEST_SIZE } from './types.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const sample = (name: string): string => fs.readFileSync(path.join(testdata, name), 'utf8');

/** Asserts that parsing fails with a CofferError 'invalid_request' whose message matches every pattern. */
function assertConfigError(text: string, fileName: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => parseConfig(text, fileName),
    (err: unknown) => {
      assert.ok(isCofferError(err), `expected a CofferError, got ${String(err)}`);
      assert.equal(err.code, 'invalid_request');
      assert.equal(err.status, 400);
      for (const p of patterns) assert.match(err.message, p);
      return true;
    },
  );
}

test('a full HCL file: two listeners, heredoc, storage with a nested block, seal and settings', () => {
  const { config, warnings } = parseConfig(sample('server.hcl'), 'server.hcl');

  assert.deepEqual(config.storage, {
    type: 'raft',
    config: {
      path: '/var/lib/coffer/data',
      node_id: 'coffer-1',
      retry_join: JSON.stringify([{ leader_api_addr: 'https://coffer-2.internal:8200' }]),
    },
  });
  assert.equal(config.listeners.length, 2);
  const [tlsListener, plain] = config.listeners;
  assert.deepEqual(tlsListener, {
    type: 'tcp',
    address: '0.0.0.0:8200',
    tlsDisable: false,
    tlsCertFile: '/etc/coffer/tls/server.crt',
    tlsKeyFile: '/etc/coffer/tls/server.key',
    tlsClientCaFile: '/etc/coffer/tls/clients-ca.crt',
    tlsRequireAndVerifyClientCert: true,
    tlsDisableClientCerts: false,
    tlsMinVersion: 'tls13',
    maxRequestSize: 1_048_576,
    maxRequestDurationSeconds: 30,
    httpIdleTimeoutSeconds: 300,
    httpReadHeaderTimeoutSeconds: 10,
    httpReadTimeoutSeconds: 30,
    unauthenticatedMetricsAccess: false,
    sourceFile: 'server.hcl',
  });
  assert.equal(plain!.address, '127.0.0.1:8210');
  assert.equal(plain!.tlsDisable, true, 'tls_disable = 1 is true, as in Vault');
  assert.equal(plain!.maxRequestSize, -1, 'a negative max_request_size means no limit');
  assert.equal(plain!.maxRequestDurationSeconds, 90);
  assert.equal(plain!.httpIdleTimeoutSeconds, 120);

  assert.deepEqual(config.seals, [
    {
      type: 'transit',
      disabled: false,
      config: {
        address: 'https://transit.internal:8200',
        key_name: 'autounseal',
        mount_path: 'transit/',
        token: 'hvs.not-a-real-token\n',
      },
    },
  ]);
  assert.equal(config.apiAddr, 'https://coffer.example.com:8200');
  assert.equal(config.clusterAddr, 'https://coffer-1.internal:8201');
  assert.equal(config.clusterName, 'coffer-prod');
  assert.equal(config.defaultLeaseTtl, 3600);
  assert.equal(config.maxLeaseTtl, 720 * 3600);
  assert.equal(config.pluginDirectory, '/usr/local/libexec/coffer/plugins');
  assert.equal(config.disableMlock, true);
  assert.equal(config.ui, true);
  assert.equal(config.logLevel, 'warn', '"Warning" is accepted as Vault does');
  assert.equal(config.logFormat, 'json');
  assert.deepEqual(config.telemetry, { prometheusRetentionSeconds: 30, disableHostname: false, usageGaugePeriodSeconds: 600 });
  assert.deepEqual(config.listeners.map((l) => l.unauthenticatedMetricsAccess), [false, true]);

  assert.deepEqual(warnings, [
    'config file "server.hcl" line 58: unknown key "listner_typo" is ignored',
  ]);
});

test('a JSON file gives the same shapes, including numbers HCL cannot hold', () => {
  const { config, warnings } = parseConfig(sample('server.json'), 'server.json');
  assert.deepEqual(config.storage, { type: 'file', config: { path: '/var/lib/coffer/file' } });
  assert.deepEqual(
    config.listeners.map((l) => [l.address, l.tlsDisable, l.maxRequestSize]),
    [
      ['0.0.0.0:8200', true, DEFAULT_MAX_REQUEST_SIZE],
      ['[::1]:8300', false, 34_359_738_368],
    ],
  );
  assert.equal(config.defaultLeaseTtl, 1800);
  assert.equal(config.maxLeaseTtl, 1800);
  assert.equal(config.ui, false, '"false" is false');
  assert.deepEqual(warnings, ['config file "server.json" line 26: unknown key "shiny_new_setting" is ignored']);
});

test('the legacy backend and ha_backend stanzas are read as storage and HA storage', () => {
  const { config, warnings } = parseConfig(sample('legacy-backend.hcl'), 'legacy.hcl');
  assert.deepEqual(config.storage, {
    type: 'consul',
    config: { address: '127.0.0.1:8500', path: 'coffer/', scheme: 'http', max_parallel: '128' },
  });
  assert.deepEqual(config.haStorage, { type: 'consul', config: { address: '127.0.0.1:8500' } });
  assert.equal(config.listeners[0]!.address, '127.0.0.1:8200', 'the default address');
  assert.deepEqual(warnings, []);
});

test('storage wins over backend when both are present, with a warning', () => {
  const text = 'storage "file" { path = "/a" }\nbackend "inmem" {}\n';
  const { config, warnings } = parseConfig(text, 'both.hcl');
  assert.equal(config.storage?.type, 'file');
  assert.deepEqual(warnings, ['config file "both.hcl" line 2: both storage and the older backend stanza are set; backend is ignored']);
});

test('defaults when a file says little', () => {
  const { config } = parseConfig('listener "tcp" { tls_disable = true }', 'min.hcl');
  assert.equal(config.storage, undefined);
  assert.equal(config.defaultLeaseTtl, DEFAULT_LEASE_TTL_SECONDS);
  assert.equal(config.maxLeaseTtl, 768 * 3600);
  assert.equal(config.disableMlock, false);
  assert.equal(config.ui, false);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.logFormat, 'standard');
  assert.deepEqual(config.seals, []);
  const [l] = config.listeners;
  assert.equal(l!.address, '127.0.0.1:8200');
  assert.equal(l!.maxRequestSize, 32 * 1024 * 1024);
  assert.equal(l!.maxRequestDurationSeconds, 90);
  assert.equal(l!.tlsMinVersion, 'tls12');
});

test('durations: Go strings, days, integers and strings of seconds; zero means the default', () => {
  const ttl = (value: string): number => parseConfig(`max_lease_ttl = "9999h"\ndefault_lease_ttl = ${value}`, 'd.hcl').config.defaultLeaseTtl;
  assert.equal(ttl('"768h"'), 768 * 3600);
  assert.equal(ttl('"30m"'), 1800);
  assert.equal(ttl('"1h30m"'), 5400);
  assert.equal(ttl('"2d"'), 2 * 86_400);
  assert.equal(ttl('3600'), 3600);
  assert.equal(ttl('"45"'), 45);
  assert.equal(ttl('0'), DEFAULT_LEASE_TTL_SECONDS);
  const { config } = parseConfig('default_max_request_duration = "2m"\nlistener "tcp" { tls_disable = true }', 'd.hcl');
  assert.equal(config.listeners[0]!.maxRequestDurationSeconds, 120, 'listeners take default_max_request_duration');
});

test('a default lease TTL longer than the max is refused', () => {
  assertConfigError('default_lease_ttl = "800h"', 'ttl.hcl', /default_lease_ttl \(800h0m0s\) is longer than max_lease_ttl \(768h0m0s\)/);
});

test('malformed HCL: the error names the file and the line', () => {
  assertConfigError(sample('malformed.hcl'), 'malformed.hcl', /^config file "malformed\.hcl" line 10: invalid HCL at column 1: /);
  assertConfigError('a = 1\nb = "unterminated\nc = 2\n', 'str.hcl', /^config file "str\.hcl" line 2: invalid HCL .*literal not terminated/);
});

test('malformed JSON: the error names the file, the line and column', () => {
  assertConfigError('{\n  "ui": true,\n  "log_level": }\n', 'bad.json', /^config file "bad\.json" line 3: invalid JSON at column 16/);
  assertConfigError('{\n  "ui": true\n  "log_level": "info"\n}', 'bad.json', /^config file "bad\.json" line 3: invalid JSON/);
  assertConfigError('{"ui": true,}', 'bad.json', /^config file "bad\.json" line 1: invalid JSON at column 13/);
  // Not starting with "{", so read as HCL (as Vault does), which refuses it.
  assertConfigError('[1, 2]', 'list.json', /^config file "list\.json" line 1: invalid HCL/);
});

test('wrong types name the file, line and key', () => {
  assertConfigError('ui = true\nmax_lease_ttl = [1]\n', 'types.hcl', /^config file "types\.hcl" line 2: "max_lease_ttl" must be a duration/, /got a list/);
  assertConfigError(sample('server.hcl').replace('tls_disable       = 1', 'tls_disable       = "maybe"'), 'srv.hcl',
    /^config file "srv\.hcl" line 26: "tls_disable" in listener "tcp" must be true or false, got "maybe"/);
  assertConfigError('log_level = "loud"', 'lvl.hcl', /line 1: "log_level" must be one of "trace", "debug", .*got "loud"/);
  assertConfigError('listener "tcp" {\n  tls_disable = true\n  max_request_size = "lots"\n}', 'size.hcl', /line 3: "max_request_size" in listener "tcp" must be a whole number/);
  assertConfigError('default_lease_ttl = "soon"', 'dur.hcl', /line 1: "default_lease_ttl" must be a duration/);
  assertConfigError('api_addr = ["a"]', 'addr.hcl', /line 1: "api_addr" must be a string, got a list/);
  assertConfigError('{\n  "listener": {"tcp": {"tls_disable": {"x": 1}}}\n}', 'l.json', /line 2: "tls_disable" in listener "tcp" must be true or false, got a block/);
});

test('a long wrong string value is not repeated in the error (it may be a secret)', () => {
  const secret = 's.' + 'x'.repeat(40);
  assert.throws(() => parseConfig(`disable_mlock = "${secret}"`, 's.hcl'), (err: Error) => !err.message.includes(secret) && /a long string/.test(err.message));
});

test('a listener with neither TLS files nor tls_disable is refused, saying what to set', () => {
  assertConfigError(
    'ui = true\n\nlistener "tcp" {\n  address = "0.0.0.0:8200"\n}\n',
    'notls.hcl',
    /^config file "notls\.hcl" line 3: listener "tcp" at 0\.0\.0\.0:8200 has TLS enabled but no tls_cert_file and tls_key_file/,
    /set tls_disable = true/,
  );
  assertConfigError('listener "tcp" {\n  tls_cert_file = "/c.pem"\n}', 'half.hcl', /no tls_key_file;/);
  assertConfigError(
    'listener "tcp" {\n tls_cert_file = "/c"\n tls_key_file = "/k"\n tls_require_and_verify_client_cert = true\n tls_disable_client_certs = true\n}',
    'mtls.hcl',
    /cannot both be true/,
  );
});

test('the second of two listeners is located by its own block', () => {
  const text = [
    'listener "tcp" {', //  1
    '  address     = "127.0.0.1:8200"',
    '  tls_disable = true',
    '}',
    '', //                   5
    'listener "tcp" {',
    '  address = "127.0.0.1:8201"',
    '}',
  ].join('\n');
  assertConfigError(text, 'two.hcl', /^config file "two\.hcl" line 6: listener "tcp" at 127\.0\.0\.1:8201 has TLS enabled/);
});

test('unsupported stanzas and shapes are refused clearly', () => {
  assertConfigError('listener "unix" {\n  address = "/run/coffer.sock"\n}', 'unix.hcl', /line 1: listener "unix" is not supported/);
  assertConfigError('listener {\n  address = "x"\n}', 'nolabel.hcl', /line 1: listener must be a block with a type/);
  assertConfigError('storage "file" { path = "/a" }\nstorage "inmem" {}\n', 'two.hcl', /line 2: only one storage stanza is allowed, found 2/);
});

test('an integer too large for the HCL reader points at its line and suggests a fix', () => {
  assertConfigError('listener "tcp" {\n  tls_disable = true\n  max_request_size = 34359738368\n}', 'big.hcl', /line 3: the number 34359738368 is too large/, /write it as a string/);
  const { config } = parseConfig('listener "tcp" {\n  tls_disable = true\n  max_request_size = "34359738368"\n}', 'big.hcl');
  assert.equal(config.listeners[0]!.maxRequestSize, 34_359_738_368);
});

test('seal stanzas: several allowed, disabled read as a boolean', () => {
  const { config } = parseConfig('seal "shamir" {\n  disabled = "true"\n}\nseal "transit" {\n  address = "https://t:8200"\n}\n', 'seal.hcl');
  assert.deepEqual(config.seals, [
    { type: 'shamir', disabled: true, config: {} },
    { type: 'transit', disabled: false, config: { address: 'https://t:8200' } },
  ]);
});

test('jsonErrorOffset finds where JSON first goes wrong', () => {
  assert.equal(jsonErrorOffset('{"a": [1, 2, {"b": null}], "c": "\\u00e9"}'), -1);
  assert.equal(jsonErrorOffset('{"a": }'), 6);
  assert.equal(jsonErrorOffset('{"a": 1,}'), 8);
  assert.equal(jsonErrorOffset('{"a": 01}'), 7);
  assert.equal(jsonErrorOffset('{"a": "x'), 8);
  assert.equal(jsonErrorOffset('{"a": 1} x'), 9);
  assert.equal(jsonErrorOffset('{"a": tru}'), 6);
});

test('listener max_json_* bounds (issue 7): set ones are kept, 0 keeps the default, negative is refused', () => {
  const { config } = parseConfig('listener "tcp" {\n  tls_disable = true\n  max_json_depth = 50\n  max_json_array_element_count = 0\n  max_json_string_value_length = 4096\n}', 'json.hcl');
  assert.deepEqual(config.listeners[0]!.jsonLimits, { maxDepth: 50, maxStringValueLength: 4096 });
  assertConfigError('listener "tcp" {\n  tls_disable = true\n  max_json_object_entry_count = -1\n}', 'neg.hcl', /line 3: "max_json_object_entry_count" in listener "tcp" must be a positive number/);
});

test('a config key named after a prototype member is an unknown key, not a setting (issue 7)', () => {
  const { warnings } = parseConfig('constructor = 1\nlistener "tcp" {\n  tls_disable = true\n  toString = 2\n}', 'proto.hcl');
  assert.ok(warnings.some((w) => /unknown key "?constructor"? is ignored/.test(w)), JSON.stringify(warnings));
  assert.ok(warnings.some((w) => /unknown key "?toString"?.* is ignored/.test(w)), JSON.stringify(warnings));
});
