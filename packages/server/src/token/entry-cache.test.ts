import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenEntryCache } from './entry-cache.js';
import type { TokenEntry } from './token-entry.js';

function entry(p: Partial<TokenEntry> = {}): TokenEntry {
  return {
    id: 'hvs.raw-token',
    key: 'hsalted',
    accessor: 'acc',
    parent: '',
    policies: ['default'],
    path: 'auth/token/create',
    meta: { team: 'a' },
    displayName: 'token',
    numUses: 0,
    creationTime: 1,
    ttl: 60,
    explicitMaxTtl: 0,
    period: 0,
    boundCidrs: [],
    type: 'service',
    entityId: '',
    role: '',
    cubbyholeId: 'cub',
    ...p,
  };
}

describe('TokenEntryCache', () => {
  it('hands out copies and never keeps the raw token id', () => {
    const cache = new TokenEntryCache();
    cache.set('hsalted', entry(), cache.readStarted());
    const first = cache.get('hsalted')!;
    assert.equal(first.id, '');
    first.numUses = 5;
    first.policies.push('admin');
    first.meta!['team'] = 'b';
    const second = cache.get('hsalted')!;
    assert.deepEqual([second.numUses, second.policies, second.meta], [0, ['default'], { team: 'a' }]);
  });

  it('does not store a read that overlapped a write', () => {
    const cache = new TokenEntryCache();
    const started = cache.readStarted();
    cache.invalidate('hsalted'); // a revocation wrote the entry while the read was pending
    cache.set('hsalted', entry(), started);
    assert.equal(cache.get('hsalted'), undefined);
    cache.set('hsalted', entry(), cache.readStarted());
    assert.ok(cache.get('hsalted'));
  });

  it('forgets an entry on invalidate and after its maximum age', () => {
    let now = 0;
    const cache = new TokenEntryCache(10, 1000, () => now);
    cache.set('a', entry({ key: 'a' }), cache.readStarted());
    cache.set('b', entry({ key: 'b' }), cache.readStarted());
    cache.invalidate('a');
    assert.equal(cache.get('a'), undefined);
    now = 1001;
    assert.equal(cache.get('b'), undefined);
  });

  it('stays within its capacity', () => {
    const cache = new TokenEntryCache(2);
    for (const key of ['a', 'b', 'c']) cache.set(key, entry({ key }), cache.readStarted());
    assert.equal(cache.size, 2);
    assert.equal(cache.get('a'), undefined);
  });
});
