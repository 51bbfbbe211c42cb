import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstDisallowedName, globMatch, isHostname } from './name-policy.js';
import { ROLE_FIELDS, type RoleEntry } from './role-entry.js';

function role(overrides: Partial<RoleEntry>): RoleEntry {
  const defaults = Object.fromEntries(Object.entries(ROLE_FIELDS).map(([k, s]) => [k, s.default])) as unknown as RoleEntry;
  return { ...defaults, ...overrides };
}

const allowed = (r: RoleEntry, name: string) => firstDisallowedName(r, [name]) === '';

describe('role name rules', () => {
  test('allowed_domains modes: bare, subdomains, glob', () => {
    const bare = role({ allowed_domains: ['example.com'], allow_bare_domains: true });
    assert.ok(allowed(bare, 'example.com'));
    assert.ok(!allowed(bare, 'www.example.com'));
    const sub = role({ allowed_domains: ['example.com'], allow_subdomains: true });
    assert.ok(allowed(sub, 'www.example.com'));
    assert.ok(allowed(sub, 'a.b.example.com'));
    assert.ok(allowed(sub, '*.example.com'));
    assert.ok(!allowed(sub, 'example.com'));
    assert.ok(!allowed(sub, 'badexample.com'));
    const glob = role({ allowed_domains: ['*.svc.cluster.local'], allow_glob_domains: true });
    assert.ok(allowed(glob, 'db.svc.cluster.local'));
    assert.ok(!allowed(glob, 'svc.cluster.local'));
    assert.ok(!allowed(role({ allowed_domains: ['example.com'] }), 'example.com'), 'no mode: nothing allowed');
  });

  test('allow_localhost, allow_any_name, wildcards and enforce_hostnames', () => {
    assert.ok(allowed(role({}), 'localhost'));
    assert.ok(!allowed(role({ allow_localhost: false }), 'localhost'));
    assert.ok(allowed(role({ allow_any_name: true }), 'anything.test'));
    assert.ok(!allowed(role({ allow_any_name: true }), 'not a host'), 'enforce_hostnames still applies');
    assert.ok(allowed(role({ allow_any_name: true, enforce_hostnames: false }), 'not a host'));
    assert.ok(!allowed(role({ allowed_domains: ['example.com'], allow_subdomains: true, allow_wildcard_certificates: false }), '*.example.com'));
    assert.ok(allowed(role({ allowed_domains: ['example.com'], allow_subdomains: true }), 'user@mail.example.com'), 'e-mail judged by its domain');
  });

  test('globs and host names', () => {
    assert.ok(globMatch('spiffe://cluster/*', 'spiffe://cluster/ns/a'));
    assert.ok(!globMatch('spiffe://cluster/*', 'spiffe://other/ns/a'));
    assert.ok(globMatch('a.b', 'a.b') && !globMatch('a.b', 'axb'), 'dots are literal');
    assert.ok(isHostname('www.example.com'));
    assert.ok(!isHostname('-bad.example.com'));
    assert.ok(!isHostname('two words'));
  });
});
