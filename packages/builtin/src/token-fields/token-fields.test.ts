import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFieldData, isCofferError, type FieldSchema } from '@coffer/sdk';
import {
  addressInCidrs,
  applyTokenParams,
  cidrsAreSubset,
  emptyTokenParams,
  equivalentPolicies,
  legacyFieldSchema,
  normalizeCidrList,
  parseTokenFields,
  sanitizePolicies,
  tokenFieldSchemas,
  tokenParamsData,
  tryParseCidr,
  upgradeLegacyValue,
} from './index.js';

const schema: Record<string, FieldSchema> = { ...tokenFieldSchemas(), policies: legacyFieldSchema('comma-string-slice', 'token_policies') };
const data = (raw: Record<string, unknown>) => createFieldData(raw, schema);

function invalid(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isCofferError(err));
    assert.equal(err.code, 'invalid_request');
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

describe('token fields', () => {
  it('declares the nine token_* fields with Vault\'s types', () => {
    const fields = tokenFieldSchemas();
    assert.deepEqual(Object.keys(fields).sort(), [
      'token_bound_cidrs', 'token_explicit_max_ttl', 'token_max_ttl', 'token_no_default_policy', 'token_num_uses',
      'token_period', 'token_policies', 'token_ttl', 'token_type',
    ]);
    assert.equal(fields['token_ttl']!.type, 'duration');
    assert.equal(fields['token_policies']!.type, 'comma-string-slice');
    assert.equal(fields['token_type']!.default, 'default-service');
    for (const f of Object.values(fields)) assert.ok((f.description ?? '').length > 10);
  });

  it('parses sent fields onto the current values and leaves the rest alone', () => {
    const current = { ...emptyTokenParams(), token_num_uses: 4, token_policies: ['keep'] };
    const next = parseTokenFields(current, data({ token_ttl: '1h', token_max_ttl: 7200, token_bound_cidrs: '10.0.0.0/8, 127.0.0.1/32', token_type: 'batch', token_num_uses: 0 }));
    assert.equal(next.token_ttl, 3600);
    assert.equal(next.token_max_ttl, 7200);
    assert.deepEqual(next.token_bound_cidrs, ['10.0.0.0/8', '127.0.0.1']);
    assert.equal(next.token_type, 'batch');
    assert.deepEqual(next.token_policies, ['keep']);
    assert.equal(current.token_ttl, 0, 'the input is not mutated');
  });

  it('refuses inconsistent combinations with Vault\'s messages', () => {
    const base = emptyTokenParams();
    invalid(() => parseTokenFields(base, data({ token_ttl: 10, token_max_ttl: 5 })), "'token_ttl' cannot be greater than 'token_max_ttl'");
    invalid(() => parseTokenFields(base, data({ token_num_uses: -1 })), "'token_num_uses' cannot be negative");
    invalid(() => parseTokenFields(base, data({ token_type: 'batch', token_num_uses: 2 })), /limited use count/);
    invalid(() => parseTokenFields(base, data({ token_type: 'batch', token_period: 2 })), /periodic tokens/);
    invalid(() => parseTokenFields(base, data({ token_type: 'default-service' })), /invalid 'token_type' value "default-service"/);
    invalid(() => parseTokenFields(base, data({ token_bound_cidrs: '10.0.0.0/33' })), /token_bound_cidrs/);
  });

  it('renders reads with empty lists, never null', () => {
    assert.deepEqual(tokenParamsData(emptyTokenParams()), {
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 0,
      token_no_default_policy: false,
      token_period: 0,
      token_policies: [],
      token_type: 'default',
      token_ttl: 0,
      token_num_uses: 0,
    });
  });

  it('applies the settings to an Auth', () => {
    const params = { ...emptyTokenParams(), token_policies: ['p'], token_ttl: 5, token_max_ttl: 6, token_period: 7, token_explicit_max_ttl: 8, token_num_uses: 9, token_no_default_policy: true, token_type: 'service' as const, token_bound_cidrs: ['10.0.0.0/8'] };
    const auth = applyTokenParams({ metadata: { a: 'b' }, displayName: 'x' }, params);
    assert.deepEqual(auth, {
      metadata: { a: 'b' },
      displayName: 'x',
      policies: ['p'],
      tokenPolicies: ['p'],
      ttl: 5,
      maxTtl: 6,
      renewable: true,
      period: 7,
      explicitMaxTtl: 8,
      numUses: 9,
      boundCidrs: ['10.0.0.0/8'],
      tokenType: 'service',
      noDefaultPolicy: true,
    });
  });

  it('reconciles deprecated fields like tokenutil.UpgradeValue', () => {
    const cur = { old: ['stale'], next: ['fresh'] };
    assert.deepEqual(upgradeLegacyValue(data({}), 'policies', 'token_policies', cur, []), cur, 'nothing sent: unchanged');
    assert.deepEqual(upgradeLegacyValue(data({ policies: 'B,a' }), 'policies', 'token_policies', cur, [], sanitizePolicies), { old: ['a', 'b'], next: ['a', 'b'] });
    assert.deepEqual(upgradeLegacyValue(data({ token_policies: 'x' }), 'policies', 'token_policies', cur, []), { old: [], next: ['fresh'] });
    assert.deepEqual(upgradeLegacyValue(data({ token_policies: 'x', policies: 'y' }), 'policies', 'token_policies', cur, []), { old: ['fresh'], next: ['fresh'] });
  });
});

describe('policy helpers', () => {
  it('sanitizes like policyutil', () => {
    assert.deepEqual(sanitizePolicies([' B', 'a', 'b', '', 'A']), ['a', 'b']);
    assert.deepEqual(sanitizePolicies(['x', 'root', 'y']), ['root']);
  });

  it('compares policy sets ignoring order, case and "default"', () => {
    assert.ok(equivalentPolicies(['a', 'b'], ['B', 'a', 'default']));
    assert.ok(equivalentPolicies([], ['default']));
    assert.ok(equivalentPolicies(undefined, []));
    assert.equal(equivalentPolicies(['a'], ['a', 'c']), false);
  });
});

describe('CIDR helpers', () => {
  it('parses addresses and blocks, and refuses junk', () => {
    assert.deepEqual(tryParseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(tryParseCidr('192.168.1.1'), { address: '192.168.1.1', prefix: 32, family: 'ipv4' });
    assert.deepEqual(tryParseCidr('2001:db8::/32'), { address: '2001:db8::', prefix: 32, family: 'ipv6' });
    for (const bad of ['', 'x', '10.0.0.0/33', '10.0.0.0/', '1.2.3', '::1/129', '10.0.0.0/8/8']) assert.equal(tryParseCidr(bad), undefined, bad);
    assert.deepEqual(normalizeCidrList(['127.0.0.1/32', ' 10.0.0.0/8 ', '::1/128', ''], 'f'), ['127.0.0.1', '10.0.0.0/8', '::1']);
  });

  it('matches client addresses, including IPv4-mapped IPv6', () => {
    assert.ok(addressInCidrs('10.2.3.4', ['10.0.0.0/8']));
    assert.ok(addressInCidrs('::ffff:10.2.3.4', ['10.0.0.0/8']));
    assert.ok(addressInCidrs('127.0.0.1', ['192.168.0.0/16', '127.0.0.1']));
    assert.ok(addressInCidrs('2001:db8::9', ['2001:db8::/32']));
    assert.equal(addressInCidrs('11.0.0.1', ['10.0.0.0/8']), false);
    assert.equal(addressInCidrs('not-an-ip', ['0.0.0.0/0']), false);
    assert.equal(addressInCidrs('10.0.0.1', []), false);
  });

  it('tells whether blocks lie inside others', () => {
    assert.ok(cidrsAreSubset(['10.0.0.0/8'], ['10.1.0.0/16', '10.2.3.4']));
    assert.ok(cidrsAreSubset(['10.0.0.0/8', '192.168.0.0/16'], ['192.168.1.0/24']));
    assert.equal(cidrsAreSubset(['10.0.0.0/8'], ['10.0.0.0/7']), false);
    assert.equal(cidrsAreSubset(['10.0.0.0/8'], ['11.0.0.0/16']), false);
    assert.equal(cidrsAreSubset(['10.0.0.0/8'], ['::1']), false);
  });
});
