import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Operation } from '@coffer/sdk';
import { ACL, comparePriority } from './acl.js';
import { parsePolicy } from './parse.js';
import { rootPolicy } from './policy.js';

const acl = (...texts: string[]): ACL => new ACL(texts.map((t, i) => parsePolicy(`p${i}`, t)));
const allowed = (a: ACL, operation: Operation, path: string, data?: Record<string, unknown>, wrapTtl?: number): boolean =>
  a.allowOperation({ path, operation, data, wrapTtl }).allowed;

describe('ACL: root', () => {
  it('grants everything with sudo', () => {
    const root = new ACL([rootPolicy()]);
    const result = root.allowOperation({ path: 'sys/seal', operation: 'update' });
    assert.deepEqual(result, { allowed: true, rootPrivs: true, isRoot: true, capabilities: ['root'] });
    assert.deepEqual(root.capabilities('any/path'), ['root']);
  });

  it('refuses root mixed with other policies', () => {
    assert.throws(() => new ACL([rootPolicy(), parsePolicy('default', '')]), /other policies present along with root/);
  });
});

describe('ACL: matching', () => {
  // A policy exercising exact, glob and segment-wildcard rules together.
  const policy = acl(`
path "secret/data/app" { capabilities = ["read"] }
path "secret/data/app*" { capabilities = ["list"] }
path "secret/foo*" { capabilities = ["update"] }
path "secret/+/teamb" { capabilities = ["create"] }
path "secret/+/+/teamc" { capabilities = ["delete"] }
path "kv/+/team/*" { capabilities = ["patch"] }
path "stage/*" { capabilities = ["read"] }
path "stage/aws/*" { capabilities = ["read", "update", "sudo"] }
path "1/2/*" { capabilities = ["create"] }
path "1/2/+" { capabilities = ["read"] }
path "1/2/+/+" { capabilities = ["update"] }
`);

  const cases: Array<[Operation, string, boolean]> = [
    // An exact rule wins over a glob that also matches, and does not extend to children.
    ['read', 'secret/data/app', true],
    ['list', 'secret/data/app', false],
    ['list', 'secret/data/apple', true],
    ['read', 'secret/data/app/x', false],
    // A trailing "*" is a plain prefix, not a segment boundary.
    ['update', 'secret/foo', true],
    ['update', 'secret/food', true],
    ['update', 'secret/foo/bar', true],
    ['update', 'secret/fo', false],
    // "+" is exactly one segment.
    ['create', 'secret/x/teamb', true],
    ['create', 'secret/x/y/teamb', false],
    ['create', 'secret/teamb', false],
    ['delete', 'secret/x/y/teamc', true],
    ['delete', 'secret/x/teamc', false],
    ['patch', 'kv/a/team/b/c', true],
    ['patch', 'kv/a/team', false],
    ['patch', 'kv/a/team/', true],
    // The longest glob wins.
    ['update', 'stage/aws/foo', true],
    ['update', 'stage/foo', false],
    ['read', 'stage/foo', true],
    // Segment wildcard vs glob: "1/2/+" beats "1/2/*" (no trailing glob), "1/2/+/+" beats "1/2/*" too.
    ['read', '1/2/3', true],
    ['create', '1/2/3', false],
    ['update', '1/2/3/4', true],
    ['create', '1/2/3/4', false],
    ['create', '1/2/3/4/5', true],
    // Nothing matches.
    ['read', 'other/path', false],
    // Leading slashes on the request path are ignored.
    ['read', '/secret/data/app', true],
  ];
  for (const [operation, path, expected] of cases) {
    it(`${operation} ${path} → ${expected ? 'allowed' : 'denied'}`, () => {
      assert.equal(allowed(policy, operation, path), expected);
    });
  }

  it('reports sudo as rootPrivs', () => {
    assert.equal(policy.allowOperation({ path: 'stage/aws/x', operation: 'read' }).rootPrivs, true);
    assert.equal(policy.allowOperation({ path: 'stage/x', operation: 'read' }).rootPrivs, false);
  });

  it('allows help everywhere, without sudo', () => {
    const result = policy.allowOperation({ path: 'nowhere', operation: 'help' });
    assert.equal(result.allowed, true);
    assert.equal(result.rootPrivs, false);
  });

  it('maps renew, revoke and rollback to update', () => {
    for (const op of ['renew', 'revoke', 'rollback'] as const) {
      assert.equal(allowed(policy, op, 'stage/aws/x'), true, op);
      assert.equal(allowed(policy, op, 'stage/x'), false, op);
    }
  });

  it('never authorizes operations that bypass the ACL', () => {
    const result = policy.allowOperation({ path: 'stage/aws/x', operation: 'alias-lookahead' });
    assert.equal(result.allowed, false);
    assert.match(result.deniedReason!, /alias-lookahead/);
  });

  it('lets a list of "foo/" use a rule written for "foo", and globs without the slash', () => {
    const a = acl(`
path "sys/policies/acl" { capabilities = ["list"] }
path "+/metadata" { capabilities = ["list"] }
path "kv/meta*" { capabilities = ["list"] }`);
    assert.equal(allowed(a, 'list', 'sys/policies/acl/'), true);
    assert.equal(allowed(a, 'read', 'sys/policies/acl/'), false);
    assert.equal(allowed(a, 'list', 'secret/metadata/'), true);
    assert.equal(allowed(a, 'list', 'kv/meta/'), true);
  });
});

describe('ACL: priority between wildcard rules', () => {
  // Each case: two rules that both match the path; the first one must win.
  const cases: Array<[string, string, string]> = [
    ['foo/a*', 'foo/+', 'foo/ab'], // later first wildcard wins
    ['foo/bar/+/baz', 'foo/+/bar/baz', 'foo/bar/bar/baz'],
    ['foo/+/bar', 'foo/+/ba*', 'foo/x/bar'], // no trailing glob beats a trailing glob
    ['foo/+', 'foo/*', 'foo/x'],
    ['foo/bar/+/baz', 'foo/+/+/baz', 'foo/bar/x/baz'],
    ['foo/+/bar/ba*', 'foo/+/bar/b*', 'foo/x/bar/bat'], // the longer wins
    ['secret/*', 'secret/+/+/foo/*', 'secret/a/b/foo/c'], // fewer "+" segments win (Vault's documented example)
    ['secret/data/team/*', 'secret/+/team/*', 'secret/data/team/x'],
  ];
  for (const [winner, loser, path] of cases) {
    it(`"${winner}" beats "${loser}" for ${path}`, () => {
      for (const order of [[winner, loser], [loser, winner]]) {
        const a = acl(...order.map((p) => `path "${p}" { capabilities = ["${p === winner ? 'read' : 'update'}"] }`));
        assert.deepEqual(a.capabilities(path), ['read'], `order ${order.join(', ')}`);
      }
    });
  }

  it('orders equal candidates lexicographically as a last resort', () => {
    const a = { pattern: 'a/+/c', firstWildcard: 2, isPrefix: false, wildcards: 1 };
    const b = { pattern: 'a/+/d', firstWildcard: 2, isPrefix: false, wildcards: 1 };
    assert.ok(comparePriority(b, a) > 0);
    assert.equal(comparePriority(a, a), 0);
  });
});

describe('ACL: merging and deny', () => {
  it('merges capabilities of the same path across policies', () => {
    const a = acl('path "secret/*" { capabilities = ["read"] }', 'path "secret/*" { capabilities = ["list", "sudo"] }');
    assert.deepEqual(a.capabilities('secret/x'), ['list', 'read', 'sudo']);
    assert.equal(a.allowOperation({ path: 'secret/x', operation: 'read' }).rootPrivs, true);
  });

  it('lets an explicit deny win, whatever the order', () => {
    const grant = 'path "secret/super" { capabilities = ["read", "sudo"] }';
    const deny = 'path "secret/super" { capabilities = ["deny"] }';
    for (const a of [acl(grant, deny), acl(deny, grant)]) {
      const result = a.allowOperation({ path: 'secret/super', operation: 'read' });
      assert.equal(result.allowed, false);
      assert.equal(result.rootPrivs, false);
      assert.deepEqual(result.capabilities, ['deny']);
      assert.deepEqual(a.capabilities('secret/super'), ['deny']);
    }
  });

  it('lets a specific deny carve a hole in a broad grant', () => {
    const a = acl(`
path "secret/*" { capabilities = ["create", "read", "update", "delete", "list"] }
path "secret/super-secret" { capabilities = ["deny"] }`);
    assert.equal(allowed(a, 'read', 'secret/other'), true);
    assert.equal(allowed(a, 'read', 'secret/super-secret'), false);
    assert.equal(allowed(a, 'delete', 'secret/super-secret'), false);
  });

  it('reports capabilities sorted, and deny when nothing matches', () => {
    const a = acl('path "x" { capabilities = ["update", "create", "read", "patch", "delete", "list"] }');
    assert.deepEqual(a.capabilities('x'), ['create', 'delete', 'list', 'patch', 'read', 'update']);
    assert.deepEqual(a.capabilities('y'), ['deny']);
    assert.deepEqual(new ACL([]).capabilities('x'), ['deny']);
    const denied = new ACL([]).allowOperation({ path: 'x', operation: 'read' });
    assert.equal(denied.allowed, false);
    assert.match(denied.deniedReason!, /no policy grants access/);
  });

  it('merges parameter constraints: empty lists absorb, values add up, required are unioned', () => {
    const a = acl(
      `path "p" {
  capabilities = ["update"]
  allowed_parameters = { "a" = ["1"], "b" = [] }
  required_parameters = ["a"]
}`,
      `path "p" {
  capabilities = ["update"]
  allowed_parameters = { "a" = ["2"], "b" = ["x"] }
  required_parameters = ["b"]
}`,
    );
    assert.equal(allowed(a, 'update', 'p', { a: '1', b: 'anything' }), true);
    assert.equal(allowed(a, 'update', 'p', { a: '2', b: 'y' }), true);
    assert.equal(allowed(a, 'update', 'p', { a: '3', b: 'y' }), false);
    assert.equal(allowed(a, 'update', 'p', { a: '1' }), false, 'b is required by the second policy');
  });

  it('keeps the smaller wrapping TTL bounds when merging', () => {
    const a = acl(
      'path "w" {\n capabilities = ["read"]\n min_wrapping_ttl = 100\n max_wrapping_ttl = 500\n}',
      'path "w" {\n capabilities = ["read"]\n min_wrapping_ttl = 50\n max_wrapping_ttl = 200\n}',
    );
    assert.equal(allowed(a, 'read', 'w', undefined, 60), true);
    assert.equal(allowed(a, 'read', 'w', undefined, 300), false);
    assert.equal(allowed(a, 'read', 'w', undefined, 40), false);
  });

  it('does not let merging mutate the parsed policies', () => {
    const first = parsePolicy('a', 'path "p" {\n capabilities = ["read"]\n allowed_parameters = { "x" = ["1"] }\n}');
    const second = parsePolicy('b', 'path "p" {\n capabilities = ["update"]\n allowed_parameters = { "x" = ["2"] }\n}');
    new ACL([first, second]);
    assert.deepEqual(first.paths[0]!.permissions.allowedParameters!.get('x'), ['1']);
    assert.equal(allowed(new ACL([first]), 'update', 'p'), false);
  });
});

describe('ACL: parameter constraints', () => {
  const a = acl(`
path "secret/restricted" {
  capabilities = ["create", "update", "read", "delete"]
  allowed_parameters = {
    "foo" = []
    "bar" = ["zip", "zap"]
    "env" = ["dev-*", "*-test", "*mid*"]
    "count" = [1, 2]
  }
}
path "secret/denied" {
  capabilities = ["create", "update"]
  denied_parameters = {
    "secret" = []
    "role" = ["admin*"]
  }
}
path "secret/open" {
  capabilities = ["create", "update"]
  allowed_parameters = {
    "*" = []
    "bar" = ["zip"]
  }
  denied_parameters = {
    "bar" = ["zip"]
  }
}
path "secret/nothing" {
  capabilities = ["update"]
  denied_parameters = { "*" = [] }
}
path "secret/required" {
  capabilities = ["create", "update", "read", "patch"]
  required_parameters = ["name", "ID"]
}
`);

  const cases: Array<[string, Operation, Record<string, unknown>, boolean]> = [
    ['no parameters', 'update', {}, true],
    ['any value of an empty list', 'update', { foo: 'anything' }, true],
    ['listed value', 'update', { bar: 'zap' }, true],
    ['unlisted value', 'update', { bar: 'zop' }, false],
    ['unlisted parameter', 'update', { other: 'x' }, false],
    ['parameter names are case-insensitive', 'create', { BAR: 'zip' }, true],
    ['trailing glob', 'update', { env: 'dev-eu' }, true],
    ['leading glob', 'update', { env: 'eu-test' }, true],
    ['glob on both ends', 'update', { env: 'a-mid-b' }, true],
    ['no glob matches', 'update', { env: 'prod' }, false],
    ['list value, every element allowed', 'update', { bar: ['zip', 'zap'] }, true],
    ['list value, one element not allowed', 'update', { bar: ['zip', 'nope'] }, false],
    ['comma string, every element allowed', 'update', { bar: 'zip, zap' }, true],
    ['numbers compare by value', 'update', { count: 2 }, true],
    ['numbers not listed', 'update', { count: 3 }, false],
    ['read is checked too', 'read', { bar: 'zop' }, false],
    ['delete is not checked', 'delete', { bar: 'zop' }, true],
  ];
  for (const [title, operation, data, expected] of cases) {
    it(`allowed_parameters: ${title}`, () => assert.equal(allowed(a, operation, 'secret/restricted', data), expected));
  }

  it('denied_parameters: an empty list denies any value', () => {
    assert.equal(allowed(a, 'update', 'secret/denied', { secret: 'x' }), false);
    assert.equal(allowed(a, 'update', 'secret/denied', { other: 'x' }), true);
  });

  it('denied_parameters: globbed values, and any element of a list', () => {
    assert.equal(allowed(a, 'update', 'secret/denied', { role: 'administrator' }), false);
    assert.equal(allowed(a, 'update', 'secret/denied', { role: 'dev' }), true);
    assert.equal(allowed(a, 'update', 'secret/denied', { role: ['dev', 'admin'] }), false);
    assert.equal(allowed(a, 'update', 'secret/denied', { role: 'dev,admin' }), false);
  });

  it('denied_parameters take precedence over allowed_parameters', () => {
    assert.equal(allowed(a, 'update', 'secret/open', { anything: 1 }), true);
    assert.equal(allowed(a, 'update', 'secret/open', { bar: 'zip' }), false);
  });

  it('denied_parameters "*" refuses any parameter', () => {
    assert.equal(allowed(a, 'update', 'secret/nothing', {}), true);
    const result = a.allowOperation({ path: 'secret/nothing', operation: 'update', data: { x: 1 } });
    assert.equal(result.allowed, false);
    assert.match(result.deniedReason!, /every parameter/);
  });

  it('required_parameters must all be present (by lower-cased name)', () => {
    assert.equal(allowed(a, 'create', 'secret/required', { name: 'a', id: 'b' }), true);
    assert.equal(allowed(a, 'patch', 'secret/required', { name: 'a', id: 'b' }), true);
    const result = a.allowOperation({ path: 'secret/required', operation: 'create', data: { name: 'a' } });
    assert.equal(result.allowed, false);
    assert.match(result.deniedReason!, /required parameter "ID" is missing/);
    assert.equal(allowed(a, 'read', 'secret/required', {}), false);
  });

  it('never puts a parameter value into the denied reason', () => {
    const result = a.allowOperation({ path: 'secret/restricted', operation: 'update', data: { bar: 's3cr3t-value' } });
    assert.equal(result.allowed, false);
    assert.ok(!result.deniedReason!.includes('s3cr3t-value'));
  });
});

describe('ACL: wrapping TTL bounds', () => {
  const a = acl(`
path "secret/wrapped" {
  capabilities = ["read"]
  min_wrapping_ttl = "1m"
  max_wrapping_ttl = "1h"
}
path "secret/max-only" {
  capabilities = ["read"]
  max_wrapping_ttl = 300
}`);

  it('allows a wrap TTL within the bounds', () => {
    assert.equal(allowed(a, 'read', 'secret/wrapped', undefined, 60), true);
    assert.equal(allowed(a, 'read', 'secret/wrapped', undefined, 3600), true);
  });

  it('refuses a wrap TTL outside the bounds', () => {
    assert.equal(allowed(a, 'read', 'secret/wrapped', undefined, 59), false);
    assert.equal(allowed(a, 'read', 'secret/wrapped', undefined, 3601), false);
    assert.equal(allowed(a, 'read', 'secret/max-only', undefined, 301), false);
    assert.equal(allowed(a, 'read', 'secret/max-only', undefined, 1), true);
  });

  it('requires wrapping when bounds are set, as Vault does', () => {
    const result = a.allowOperation({ path: 'secret/max-only', operation: 'read' });
    assert.equal(result.allowed, false);
    assert.match(result.deniedReason!, /response wrapping/);
  });
});
