import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrsAllow, parseCidrs } from './cidr.js';
import { globMatch, isSubset, sanitizePolicies } from './policies.js';

describe('policy names', () => {
  it("sanitizes as Vault does", () => {
    assert.deepEqual(sanitizePolicies([' Dev ', 'ops', 'dev', ''], true), ['default', 'dev', 'ops']);
    assert.deepEqual(sanitizePolicies(['dev', 'root'], true), ['root']);
    assert.deepEqual(sanitizePolicies([], true), ['default']);
    assert.deepEqual(sanitizePolicies([], false), []);
  });

  it('checks subsets and globs', () => {
    assert.equal(isSubset(['a', 'b'], ['b']), true);
    assert.equal(isSubset(['a'], ['a', 'c']), false);
    assert.equal(globMatch('app-*', 'app-web'), true);
    assert.equal(globMatch('app-*-ro', 'app-web-rw'), false);
    assert.equal(globMatch('*', 'anything'), true);
    assert.equal(globMatch('a.b', 'axb'), false, 'only * is special');
  });
});

describe('bound CIDRs', () => {
  it('validates blocks and addresses', () => {
    assert.deepEqual(parseCidrs([' 10.0.0.0/8', '::1', '']), ['10.0.0.0/8', '::1']);
    assert.throws(() => parseCidrs(['10.0.0.0/33']), /invalid CIDR block or IP address "10.0.0.0\/33"/);
    assert.throws(() => parseCidrs(['example.com']), /invalid CIDR/);
  });

  it('matches IPv4, IPv6 and IPv4-mapped addresses', () => {
    assert.equal(cidrsAllow([], undefined), true);
    assert.equal(cidrsAllow(['10.0.0.0/8'], '10.200.0.1'), true);
    assert.equal(cidrsAllow(['10.0.0.0/8'], '::ffff:10.1.1.1'), true);
    assert.equal(cidrsAllow(['10.0.0.0/8'], '11.0.0.1'), false);
    assert.equal(cidrsAllow(['fd00::/8'], 'fd12::1'), true);
    assert.equal(cidrsAllow(['127.0.0.1'], '127.0.0.2'), false);
    assert.equal(cidrsAllow(['127.0.0.1'], undefined), false);
  });
});
