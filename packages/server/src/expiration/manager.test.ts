import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectKeys, InmemStorage, silentLogger, type Response, type Storage } from '@coffer/sdk';
import { assertRejectsWithCode as rejects } from '@coffer/sdk/testing/index.js';
import type { LeaseEntry } from './lease-entry.js';
import { createExpirationManager, type ExpirationManager, type ExpirationManagerOptions } from './manager.js';
import { TestClock } from './test-clock.js';

const HOUR = 3600;
const mountDefaults = { defaultTtl: HOUR, maxTtl: 24 * HOUR };

interface Harness {
  em: ExpirationManager;
  clock: TestClock;
  storage: Storage;
  revoked: string[];
  revokedTokens: string[];
  renewCalls: { leaseId: string; increment: number }[];
}

function harness(overrides: Partial<ExpirationManagerOptions> = {}, shared?: { storage: Storage; clock: TestClock }): Harness {
  const clock = shared?.clock ?? new TestClock();
  const storage = shared?.storage ?? new InmemStorage();
  const revoked: string[] = [];
  const revokedTokens: string[] = [];
  const renewCalls: { leaseId: string; increment: number }[] = [];
  const em = createExpirationManager({
    storage,
    logger: silentLogger,
    now: clock.now,
    scheduler: clock,
    retryBaseMs: 1000,
    revokeSecret: async (lease) => {
      revoked.push(lease.leaseId);
    },
    renewSecret: async (lease, increment) => {
      renewCalls.push({ leaseId: lease.leaseId, increment });
      return { secret: { ...lease.secret!, ttl: increment } };
    },
    revokeToken: async (tokenKey) => {
      revokedTokens.push(tokenKey);
    },
    tokenExists: async (tokenKey) => tokenKey.startsWith('live'),
    ...overrides,
  });
  return { em, clock, storage, revoked, revokedTokens, renewCalls };
}

function secretResponse(ttl: number, renewable = true, maxTtl = 0): Response {
  return { data: { username: 'v-user' }, secret: { ttl, maxTtl, renewable, internalData: { secret_type: 'creds' } } };
}

async function register(h: Harness, ttl: number, opts: { token?: string; path?: string; renewable?: boolean } = {}): Promise<string> {
  const { leaseId } = await h.em.registerSecret({
    path: opts.path ?? 'database/creds/ro',
    owner: { tokenKey: opts.token ?? 'tok-a', tokenType: 'service' },
    response: secretResponse(ttl, opts.renewable ?? true),
    mountDefaults,
  });
  return leaseId;
}


describe('expiration manager', () => {
  it('registers a secret lease under <path>/<random> with the TTL filled in', async () => {
    const h = harness();
    const response = secretResponse(0);
    const { leaseId, ttl, renewable } = await h.em.registerSecret({
      path: 'database/creds/ro',
      owner: { tokenKey: 'tok-a', tokenType: 'service' },
      response,
      mountDefaults,
    });
    assert.match(leaseId, /^database\/creds\/ro\/[A-Za-z0-9]{24}$/);
    assert.equal(ttl, HOUR, 'a TTL of 0 takes the mount default');
    assert.equal(renewable, true);
    assert.equal(response.secret!.leaseId, leaseId);
    assert.equal(response.secret!.ttl, HOUR);
    const keys = await collectKeys(h.storage);
    assert.ok(keys.includes(`id/${leaseId}`));
    assert.equal(keys.filter((k) => k.startsWith('token/tok-a/')).length, 1);
    assert.equal(h.em.count(), 1);
    assert.equal(h.clock.pending, 1);
  });

  it('clamps the TTL to the mount max and to the secret max', async () => {
    const h = harness();
    const first = await h.em.registerSecret({ path: 'a/b', owner: { tokenKey: 't', tokenType: 'service' }, response: secretResponse(100 * HOUR), mountDefaults });
    assert.equal(first.ttl, 24 * HOUR);
    const second = await h.em.registerSecret({ path: 'a/b', owner: { tokenKey: 't', tokenType: 'service' }, response: secretResponse(10 * HOUR, true, 2 * HOUR), mountDefaults });
    assert.equal(second.ttl, 2 * HOUR);
  });

  it('caps a batch token secret to the token expiry', async () => {
    const h = harness();
    const { ttl } = await h.em.registerSecret({
      path: 'a/b',
      owner: { tokenKey: 'parent', tokenType: 'batch', tokenExpireTime: h.clock.now() + 600_000 },
      response: secretResponse(HOUR),
      mountDefaults,
    });
    assert.equal(ttl, 600);
  });

  it("looks a lease up with Vault's fields", async () => {
    const h = harness();
    const leaseId = await register(h, HOUR);
    h.clock.advance(10_000);
    const info = await h.em.lookup(leaseId);
    assert.deepEqual(info, {
      id: leaseId,
      issue_time: '2024-01-01T00:00:00Z',
      expire_time: '2024-01-01T01:00:00Z',
      last_renewal: null,
      renewable: true,
      ttl: HOUR - 10,
    });
    assert.equal(await h.em.lookup('database/creds/ro/nope'), null);
  });

  it('renews with the backend and caps at the max TTL with a warning', async () => {
    const h = harness();
    const leaseId = await register(h, HOUR);
    h.clock.advance(60_000);
    const resp = await h.em.renew(leaseId, 20 * HOUR);
    assert.deepEqual(h.renewCalls, [{ leaseId, increment: 20 * HOUR }]);
    assert.equal(resp!.secret!.ttl, 20 * HOUR);
    assert.equal(resp!.secret!.leaseId, leaseId);
    assert.deepEqual(resp!.warnings, []);
    const info = await h.em.lookup(leaseId);
    assert.equal(info!.last_renewal, '2024-01-01T00:01:00Z');
    assert.equal(info!.expire_time, '2024-01-01T20:01:00Z');

    h.clock.jump(19 * HOUR * 1000);
    const capped = await h.em.renew(leaseId, 10 * HOUR);
    assert.equal(capped!.secret!.ttl, 4 * HOUR + 59 * 60);
    assert.deepEqual(capped!.warnings, ['TTL of "10h0m0s" exceeded the effective max_ttl of "4h59m0s"; TTL value is capped accordingly']);
  });

  it("refuses renewals with Vault's reasons", async () => {
    const h = harness();
    await rejects(h.em.renew('nope/x', 0), 'invalid_request', 'lease not found');
    const fixed = await register(h, HOUR, { renewable: false });
    await rejects(h.em.renew(fixed, 0), 'invalid_request', 'lease is not renewable');
    const auth = await h.em.registerAuth({
      path: 'auth/token/create',
      tokenKey: 'hsome',
      auth: { policies: ['default'], metadata: {}, displayName: 'token', ttl: HOUR, maxTtl: 0, renewable: true },
      mountDefaults,
    });
    assert.equal(auth, 'auth/token/create/hsome');
    await rejects(h.em.renew(auth, 0), 'invalid_request', 'tokens cannot be renewed through this endpoint');
    const soon = await register(h, 10);
    h.clock.jump(11_000);
    await rejects(h.em.renew(soon, 0), 'invalid_request', 'lease expired');
  });

  it('revokes expired leases when the one timer fires', async () => {
    const h = harness();
    const short = await register(h, 60);
    const long = await register(h, HOUR);
    assert.equal(h.clock.pending, 1);
    h.clock.advance(61_000);
    await h.em.processDue();
    assert.deepEqual(h.revoked, [short]);
    assert.equal(await h.em.get(short), null);
    assert.ok(await h.em.get(long));
    assert.equal(h.em.count(), 1);
    assert.equal(h.clock.pending, 1, 'the timer is re-armed for the next lease');
    const index = (await collectKeys(h.storage)).filter((k) => k.startsWith('token/'));
    assert.equal(index.length, 1, 'the token index entry of the revoked lease is gone');
  });

  it('revokes a token lease through the token store', async () => {
    const h = harness();
    const leaseId = await h.em.registerAuth({
      path: 'auth/userpass/login/bob',
      tokenKey: 'hkey1',
      auth: { policies: ['default'], metadata: {}, displayName: 'userpass-bob', ttl: 30, maxTtl: 0, renewable: true },
      mountDefaults,
    });
    h.clock.advance(31_000);
    await h.em.processDue();
    assert.deepEqual(h.revokedTokens, ['hkey1']);
    assert.equal(await h.em.get(leaseId), null);
  });

  it('renews a token lease with period and explicit max TTL', async () => {
    const h = harness();
    const leaseId = await h.em.registerAuth({
      path: 'auth/token/create',
      tokenKey: 'hk',
      auth: { policies: ['default'], metadata: {}, displayName: 'token', ttl: 60, maxTtl: 0, renewable: true, period: 60 },
      mountDefaults,
    });
    h.clock.advance(30_000);
    const periodic = await h.em.renewAuthLease(leaseId, 5000, async (auth) => ({ ...auth, period: 60 }));
    assert.equal(periodic!.auth.ttl, 60, 'a periodic token is reset to its period whatever the increment');
    const capped = await h.em.renewAuthLease(leaseId, 5000, async (auth) => ({ ...auth, period: 0, explicitMaxTtl: 100 }));
    assert.equal(capped!.auth.ttl, 70);
    assert.equal(capped!.warnings.length, 1);
    await rejects(h.em.renewAuthLease('auth/token/create/missing', 0), 'invalid_request', 'invalid lease ID');
  });

  it('restores leases after a restart and revokes those that expired meanwhile', async () => {
    const first = harness();
    const expired = await register(first, 60);
    const alive = await register(first, HOUR);
    first.em.stop();
    assert.equal(first.clock.pending, 0, 'stop clears the timer');

    const clock = first.clock;
    clock.advance(120_000);
    const second = harness({}, { storage: first.storage, clock });
    await second.em.restore();
    assert.equal(second.em.count(), 2);
    assert.equal(clock.pending, 1);
    await second.em.processDue();
    assert.deepEqual(second.revoked, [expired]);
    assert.ok(await second.em.get(alive));
    assert.equal(await second.em.expireTimeOf(expired), null);
    assert.equal(await second.em.expireTimeOf(alive), Date.UTC(2024, 0, 1) + HOUR * 1000);
  });

  it('revokes every lease of a revoked token, lazily and through the timer', async () => {
    const h = harness();
    const a1 = await register(h, HOUR, { token: 'tok-a' });
    const a2 = await register(h, HOUR, { token: 'tok-a', path: 'aws/creds/x' });
    const b1 = await register(h, HOUR, { token: 'tok-b' });
    const tokenLease = await h.em.registerAuth({
      path: 'auth/token/create',
      tokenKey: 'tok-a',
      auth: { policies: ['default'], metadata: {}, displayName: 'token', ttl: HOUR, maxTtl: 0, renewable: true },
      mountDefaults,
    });
    await h.em.revokeByToken('tok-a', { tokenLeaseId: tokenLease });
    assert.equal(await h.em.get(tokenLease), null, "the token's own lease is dropped at once");
    assert.deepEqual(h.revokedTokens, [], 'the token store is not called back while it revokes the token');
    await h.em.processDue();
    assert.deepEqual(h.revoked.sort(), [a1, a2].sort());
    assert.ok(await h.em.get(b1));
    const keys = await collectKeys(h.storage);
    assert.ok(!keys.some((k) => k.startsWith('token/tok-a/')));
  });

  it('revokes by prefix, and by exact id', async () => {
    const h = harness();
    const ro1 = await register(h, HOUR, { path: 'database/creds/ro' });
    const ro2 = await register(h, HOUR, { path: 'database/creds/ro' });
    const rw = await register(h, HOUR, { path: 'database/creds/rw' });
    await h.em.revokePrefix('database/creds/ro');
    assert.deepEqual(h.revoked.sort(), [ro1, ro2].sort());
    await h.em.revokePrefix(rw);
    assert.deepEqual(h.revoked.length, 3);
    assert.equal(h.em.count(), 0);
    assert.deepEqual(await h.em.listByPrefix('database/creds/'), []);
  });

  it('keeps leases whose revocation fails unless forced', async () => {
    const h = harness({
      revokeSecret: async () => {
        throw new Error('database is down');
      },
    });
    const leaseId = await register(h, HOUR);
    await rejects(h.em.revokePrefix('database/'), 'invalid_request', `failed to revoke "${leaseId}": failed to revoke entry: database is down`);
    assert.ok(await h.em.get(leaseId));
    await h.em.revokePrefix('database/', { force: true });
    assert.equal(await h.em.get(leaseId), null);
  });

  it('retries failed expiries with backoff, then marks the lease irrevocable', async () => {
    let failures = 0;
    const h = harness({
      maxRevokeAttempts: 3,
      revokeSecret: async () => {
        failures++;
        throw new Error('unreachable');
      },
    });
    const leaseId = await register(h, 10);
    h.clock.advance(11_000);
    await h.em.processDue();
    assert.equal(failures, 1);
    // The failure is visible while it is retried.
    const retrying = await h.em.lookup(leaseId);
    assert.equal(retrying!.revocation_attempts, 1);
    assert.equal(retrying!.last_revocation_error, 'failed to revoke entry: unreachable');
    assert.ok(retrying!.next_revocation_attempt);
    assert.deepEqual(await h.em.irrevocableLeases(), []);
    h.clock.advance(999);
    await h.em.processDue();
    assert.equal(failures, 1, 'the first retry waits for the backoff');
    h.clock.advance(1);
    await h.em.processDue();
    assert.equal(failures, 2);
    h.clock.advance(2000);
    await h.em.processDue();
    assert.equal(failures, 3);
    h.clock.advance(60_000);
    await h.em.processDue();
    assert.equal(failures, 3, 'an irrevocable lease is not retried');
    const stored = await h.em.get(leaseId);
    assert.equal(stored!.revokeErr, 'failed to revoke entry: unreachable');
    assert.deepEqual(
      (await h.em.irrevocableLeases()).map((l) => [l.leaseId, l.error]),
      [[leaseId, 'failed to revoke entry: unreachable']],
    );
    const given = await h.em.lookup(leaseId);
    assert.equal(given!.irrevocable, true);
    assert.equal(given!.last_revocation_error, 'failed to revoke entry: unreachable');
    await rejects(h.em.renew(leaseId, 0), 'invalid_request', 'lease is expired and has failed previous revocation attempts');
    await h.em.revokePrefix(leaseId, { force: true });
    assert.equal(await h.em.get(leaseId), null);
    assert.deepEqual(await h.em.irrevocableLeases(), []);
  });

  it('expires ten thousand leases through one timer', async () => {
    const h = harness({ revokeConcurrency: 32 });
    for (let i = 0; i < 10_000; i++) {
      await h.em.registerSecret({
        path: `kv-dyn/creds/r${i % 10}`,
        owner: { tokenKey: `tok-${i % 100}`, tokenType: 'service' },
        response: secretResponse(60 + (i % 600)),
        mountDefaults,
      });
      assert.ok(h.clock.pending <= 1);
    }
    assert.equal(h.em.count(), 10_000);
    assert.equal(h.em.timersArmed(), 1);
    assert.equal(h.clock.pending, 1);
    h.clock.advance(330_000);
    await h.em.processDue();
    const halfway = h.revoked.length;
    assert.ok(halfway > 4000 && halfway < 6000, `about half expired, got ${halfway}`);
    h.clock.advance(400_000);
    await h.em.processDue();
    assert.equal(h.revoked.length, 10_000);
    assert.equal(new Set(h.revoked).size, 10_000, 'each lease is revoked exactly once');
    assert.equal(h.em.count(), 0);
    assert.equal(h.clock.pending, 0);
    assert.deepEqual(await collectKeys(h.storage), []);
  });

  it('tidies leases whose token is gone', async () => {
    const h = harness();
    const orphaned = await register(h, HOUR, { token: 'dead-1' });
    const kept = await register(h, HOUR, { token: 'live-1' });
    const result = await h.em.tidy();
    assert.deepEqual(result, { scanned: 2, revoked: 1 });
    assert.deepEqual(h.revoked, [orphaned]);
    assert.ok(await h.em.get(kept));
  });

  it('hands the lease entry to the backend on revoke', async () => {
    const seen: LeaseEntry[] = [];
    const h = harness({ revokeSecret: async (lease) => void seen.push(lease) });
    const leaseId = await register(h, HOUR);
    await h.em.revoke(leaseId);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.path, 'database/creds/ro');
    assert.deepEqual(seen[0]!.data, { username: 'v-user' });
    assert.deepEqual(seen[0]!.secret!.internalData, { secret_type: 'creds' });
    await h.em.revoke(leaseId);
    assert.equal(seen.length, 1, 'revoking an unknown lease is a no-op');
  });
});
