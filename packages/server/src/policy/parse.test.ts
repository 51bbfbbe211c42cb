import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CofferError } from '@coffer/sdk';
import { CAPABILITY_BITS, DENY_BIT } from './capability.js';
import { DEFAULT_POLICY_TEXT, RESPONSE_WRAPPING_POLICY_TEXT } from './builtin-policies.js';
import { parsePolicy } from './parse.js';

const bits = (...caps: (keyof typeof CAPABILITY_BITS)[]): number => caps.reduce((b, c) => b | CAPABILITY_BITS[c], 0);

function parseError(text: string, name = 'dev'): CofferError {
  try {
    parsePolicy(name, text);
  } catch (err) {
    assert.ok(err instanceof CofferError, `expected a CofferError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected parsePolicy to throw');
}

describe('parsePolicy: HCL', () => {
  it('parses path stanzas with every setting', () => {
    const text = `
# a comment
path "secret/data/*" {
  capabilities = ["create", "read", "update", "patch", "delete", "list"]
}
path "/sys/mounts" {
  capabilities = ["read", "sudo"]
  comment = "leading slash is dropped"
}
path "secret/restricted" {
  capabilities = ["create"]
  allowed_parameters = {
    "Foo" = []
    "bar" = ["zip", "zap-*"]
  }
  denied_parameters = {
    "baz" = ["x"]
  }
  required_parameters = ["foo"]
  min_wrapping_ttl = "1m"
  max_wrapping_ttl = 3600
}`;
    const policy = parsePolicy('Dev ', text);
    assert.equal(policy.name, 'dev');
    assert.equal(policy.raw, text);
    assert.equal(policy.paths.length, 3);

    const [glob, mounts, restricted] = policy.paths;
    assert.deepEqual(
      { path: glob!.path, isPrefix: glob!.isPrefix, seg: glob!.hasSegmentWildcards },
      { path: 'secret/data/', isPrefix: true, seg: false },
    );
    assert.equal(glob!.permissions.capabilities, bits('create', 'read', 'update', 'patch', 'delete', 'list'));
    assert.equal(mounts!.path, 'sys/mounts');
    assert.equal(mounts!.isPrefix, false);
    assert.equal(mounts!.permissions.capabilities, bits('read', 'sudo'));

    const p = restricted!.permissions;
    assert.deepEqual([...p.allowedParameters!], [['foo', []], ['bar', ['zip', 'zap-*']]]);
    assert.deepEqual([...p.deniedParameters!], [['baz', ['x']]]);
    assert.deepEqual(p.requiredParameters, ['foo']);
    assert.equal(p.minWrappingTtl, 60);
    assert.equal(p.maxWrappingTtl, 3600);
  });

  it('keeps "*" on segment-wildcard paths and marks them', () => {
    const policy = parsePolicy('p', `
path "secret/+/teamb" { capabilities = ["read"] }
path "secret/+/teamb/*" { capabilities = ["read"] }
path "+/config" { capabilities = ["read"] }
path "+" { capabilities = ["read"] }
path "secret/foo*" { capabilities = ["read"] }`);
    assert.deepEqual(
      policy.paths.map((r) => [r.path, r.isPrefix, r.hasSegmentWildcards]),
      [
        ['secret/+/teamb', false, true],
        ['secret/+/teamb/*', false, true],
        ['+/config', false, true],
        ['+', false, true],
        ['secret/foo', true, false],
      ],
    );
  });

  it('maps the legacy policy shorthand to capabilities', () => {
    const policy = parsePolicy('legacy', `
path "a" { policy = "read" }
path "b" { policy = "write" }
path "c" { policy = "sudo" }
path "d" { policy = "deny" }
path "e" {
  policy = "read"
  capabilities = ["update"]
}`);
    const caps = policy.paths.map((r) => r.permissions.capabilities);
    assert.deepEqual(caps, [
      bits('read', 'list'),
      bits('create', 'read', 'update', 'delete', 'list'),
      bits('create', 'read', 'update', 'delete', 'list', 'sudo'),
      DENY_BIT,
      bits('update', 'read', 'list'),
    ]);
  });

  it('lets deny override everything else in its stanza', () => {
    const [rule] = parsePolicy('p', `
path "secret/x" {
  capabilities = ["read", "deny", "update"]
  allowed_parameters = { "a" = [] }
}`).paths;
    assert.equal(rule!.permissions.capabilities, DENY_BIT);
    assert.deepEqual(rule!.capabilities, ['deny']);
    assert.equal(rule!.permissions.allowedParameters, undefined);
  });

  it('accepts subscribe and recover, a lone string and an empty document', () => {
    const [rule] = parsePolicy('p', 'path "x" { capabilities = ["subscribe", "recover"] }').paths;
    assert.equal(rule!.permissions.capabilities, bits('subscribe', 'recover'));
    assert.equal(parsePolicy('p', 'path "x" { capabilities = "read" }').paths[0]!.permissions.capabilities, bits('read'));
    assert.deepEqual(parsePolicy('p', '').paths, []);
    assert.deepEqual(parsePolicy('p', 'name = "ignored"').paths, []);
  });

  it('parses the built-in policies', () => {
    assert.ok(parsePolicy('default', DEFAULT_POLICY_TEXT).paths.length > 10);
    assert.equal(parsePolicy('response-wrapping', RESPONSE_WRAPPING_POLICY_TEXT).paths.length, 2);
  });
});

describe('parsePolicy: JSON', () => {
  it('parses a JSON document with the same meaning as HCL', () => {
    const json = JSON.stringify({
      path: {
        'secret/*': { capabilities: ['read', 'list'] },
        'secret/restricted': {
          capabilities: ['create'],
          allowed_parameters: { foo: [], bar: ['zip'] },
          required_parameters: ['bar'],
          max_wrapping_ttl: '5m',
        },
        'legacy/*': { policy: 'write' },
      },
    });
    const policy = parsePolicy('json', json);
    const byPath = new Map(policy.paths.map((r) => [r.path, r]));
    assert.equal(byPath.get('secret/')!.permissions.capabilities, bits('read', 'list'));
    const restricted = byPath.get('secret/restricted')!.permissions;
    assert.deepEqual([...restricted.allowedParameters!].sort(), [['bar', ['zip']], ['foo', []]]);
    assert.deepEqual(restricted.requiredParameters, ['bar']);
    assert.equal(restricted.maxWrappingTtl, 300);
    assert.equal(byPath.get('legacy/')!.permissions.capabilities, bits('create', 'read', 'update', 'delete', 'list'));
  });

  it('keeps booleans and nulls in parameter value lists', () => {
    const json = JSON.stringify({
      path: { x: { capabilities: ['update'], allowed_parameters: { force: [true], mixed: ['a', false, null] } } },
    });
    const allowed = parsePolicy('p', json).paths[0]!.permissions.allowedParameters!;
    assert.deepEqual(allowed.get('force'), [true]);
    assert.deepEqual(allowed.get('mixed'), ['a', false, null]);
  });

  it('refuses truncated JSON instead of keeping the rules before the cut', () => {
    const text = '{"path": {"a/*": {"capabilities": ["read"]}, "a/secret": {"capabilities": ["deny"';
    assert.match(parseError(text).message, /^failed to parse policy: policy "dev": invalid JSON: /);
  });

  it('accepts a list of path objects', () => {
    const json = '{"path": [{"a": {"capabilities": ["read"]}}, {"a": {"capabilities": ["list"]}}]}';
    assert.equal(parsePolicy('p', json).paths.length, 2);
  });
});

describe('parsePolicy: errors', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['bad HCL', 'path "x" { capabilities = [ }', /^failed to parse policy: policy "dev": At 1:/],
    ['unknown capability', 'path "x" { capabilities = ["raed"] }', /path "x": invalid capability "raed"/],
    ['unknown path key', 'path "x" { capabilites = ["read"] }', /path "x": invalid key "capabilites"/],
    ['unknown top-level key', 'paths "x" { capabilities = ["read"] }', /invalid key "paths"/],
    ['unknown legacy policy', 'path "x" { policy = "admin" }', /path "x": invalid policy "admin"/],
    ['inherited property as legacy policy', 'path "x" { policy = "constructor" }', /path "x": invalid policy "constructor"/],
    ['bad ttl', 'path "x" {\n capabilities = ["read"]\n min_wrapping_ttl = "soon"\n}', /min_wrapping_ttl: invalid duration/],
    ['negative ttl', 'path "x" {\n capabilities = ["read"]\n max_wrapping_ttl = "-5s"\n}', /max_wrapping_ttl: must not be negative/],
    ['max below min', 'path "x" {\n capabilities = ["read"]\n min_wrapping_ttl = 60\n max_wrapping_ttl = 30\n}', /max_wrapping_ttl cannot be less than min_wrapping_ttl/],
    ['+* wildcard', 'path "secret/+*" { capabilities = ["read"] }', /'\+\*' is forbidden/],
    ['path not a block', 'path = "x"', /"path" must be a block/],
    ['capabilities not strings', 'path "x" { capabilities = [1] }', /capabilities: expected a list of strings/],
    ['wildcard parameter key', 'path "x" {\n capabilities = ["create"]\n allowed_parameters = { "fo*" = [] }\n}', /parameter key "fo\*"/],
    ['wildcard required parameter', 'path "x" {\n capabilities = ["create"]\n required_parameters = ["*"]\n}', /wildcard is not permitted/],
    ['unsupported control group', 'path "x" {\n capabilities = ["read"]\n control_group = { ttl = "1h" }\n}', /"control_group" is not supported/],
    ['unsupported mfa', 'path "x" {\n capabilities = ["read"]\n mfa_methods = ["m"]\n}', /"mfa_methods" is not supported/],
  ];
  for (const [title, text, message] of cases) {
    it(`refuses ${title}`, () => {
      const err = parseError(text);
      assert.equal(err.code, 'invalid_request');
      assert.equal(err.status, 400);
      assert.match(err.message, /^failed to parse policy: policy "dev": /);
      assert.match(err.message, message);
    });
  }

  it('omits the policy name when there is none', () => {
    assert.match(parseError('path "x" { capabilities = ["nope"] }', '').message, /^failed to parse policy: path "x"/);
  });
});
