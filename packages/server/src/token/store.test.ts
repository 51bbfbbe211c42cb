import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectKeys, silentLogger, StorageView } from '@coffer/sdk';
import { assertRejectsWithCode as rejects } from '@coffer/sdk/testing/index.js';
import { createExpirationManager } from '../expiration/manager.js';
import type { CreateTokenParams } from './create-plan.js';
import { applyRoleInput } from './role.js';
import { createTokenStore } from './store.js';
import type { TokenEntry } from './token-entry.js';
import { tokenHarness, type TokenHarness } from './test-support.js';

const DAY = 86400;


async function rootOf(h: TokenHarness): Promise<TokenEntry> {
  const root = await h.store.createRootToken();
  return (await h.store.lookup(root.id))!;
}

function params(p: Partial<CreateTokenParams> = {}): CreateTokenParams {
  return { path: 'create', hasSudo: false, ...p };
}

describe('token store', () => {
  it('creates root tokens, with a fixed id when asked', async () => {
    const h = tokenHarness();
    const root = await h.store.createRootToken();
    assert.match(root.id, /^hvs\.[A-Za-z0-9]{24}$/);
    const entry = await h.store.lookup(root.id);
    assert.deepEqual(entry!.policies, ['root']);
    assert.equal(entry!.path, 'auth/token/root');
    assert.equal(entry!.displayName, 'root');
    assert.equal(entry!.ttl, 0);
    const data = await h.store.lookupResponse(entry!);
    assert.equal(data['expire_time'], null);
    assert.equal(data['orphan'], true);
    assert.equal('issue_time' in data, false, 'a root token from init has no lease');

    const dev = await h.store.createRootToken({ id: 'root' });
    assert.equal(dev.id, 'root');
    assert.ok(await h.store.lookup('root'));
    await rejects(h.store.createRootToken({ id: 'root' }), 'invalid_request', 'cannot create a token with a duplicate ID');
    await rejects(h.store.createRootToken({ id: 'hvs.mine' }), 'invalid_request', "custom token ID cannot have the 'hvs.' prefix");
    await rejects(h.store.createRootToken({ id: 'a.b' }), 'invalid_request', "custom token ID cannot have a '.' in the value");
  });

  it('creates child service tokens with accessor, lease and parent index', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const { entry, auth, warnings } = await h.store.create(root, params({ policies: ['dev'], ttl: 3600, displayName: 'my app!', meta: { team: 'a' } }));
    assert.match(entry.id, /^hvs\.[A-Za-z0-9]{91}$/);
    assert.match(entry.accessor, /^[A-Za-z0-9]{24}$/);
    assert.deepEqual(warnings, []);
    assert.deepEqual(auth.policies, ['default', 'dev']);
    assert.equal(auth.clientToken, entry.id);
    assert.equal(auth.accessor, entry.accessor);
    assert.equal(auth.ttl, 3600);
    assert.equal(auth.renewable, true);
    assert.equal(auth.orphan, false);
    assert.equal(auth.tokenType, 'service');
    assert.deepEqual(auth.metadata, { team: 'a' });
    assert.equal(entry.displayName, 'token-my-app');
    assert.equal(entry.parent, root.key);

    const looked = await h.store.lookup(entry.id);
    const data = await h.store.lookupResponse(looked!);
    assert.deepEqual(
      { ...data, issue_time: undefined },
      {
        accessor: entry.accessor,
        creation_time: Math.floor(h.clock.now() / 1000),
        creation_ttl: 3600,
        display_name: 'token-my-app',
        entity_id: '',
        expire_time: '2024-01-01T01:00:00Z',
        explicit_max_ttl: 0,
        id: entry.id,
        meta: { team: 'a' },
        num_uses: 0,
        orphan: false,
        path: 'auth/token/create',
        policies: ['default', 'dev'],
        ttl: 3600,
        type: 'service',
        renewable: true,
        issue_time: undefined,
      },
    );
    assert.equal(data['issue_time'], '2024-01-01T00:00:00Z');
    assert.equal((await h.store.lookupByAccessor(entry.accessor))!.key, entry.key);
    const keys = await collectKeys(h.physical);
    assert.ok(keys.includes(`sys/token/parent/${root.key}/${entry.key}`));
    assert.ok(keys.includes(`sys/expire/id/auth/token/create/${entry.key}`));
  });

  it('gives tokens the mount default TTL, capped by the mount max', async () => {
    const h = tokenHarness({ ttlDefaults: () => ({ defaultTtl: 600, maxTtl: 3600 }) });
    const root = await rootOf(h);
    assert.equal((await h.store.create(root, params())).auth.ttl, 0, 'a root child of a root token never expires');
    assert.equal((await h.store.create(root, params({ policies: ['a'] }))).auth.ttl, 600);
    const capped = await h.store.create(root, params({ policies: ['a'], ttl: 7200 }));
    assert.equal(capped.auth.ttl, 3600);
    assert.deepEqual(capped.warnings, ['TTL of "2h0m0s" exceeded the effective max_ttl of "1h0m0s"; TTL value is capped accordingly']);
    const defaults = tokenHarness();
    assert.equal((await defaults.store.create(await rootOf(defaults), params({ policies: ['a'] }))).auth.ttl, 32 * DAY);
  });

  it('never stores a raw token id', async () => {
    const h = tokenHarness();
    const root = await h.store.createRootToken();
    const fixed = await h.store.createRootToken({ id: 'my-dev-root-token' });
    const rootEntry = (await h.store.lookup(root.id))!;
    const child = await h.store.create(rootEntry, params({ policies: ['a'] }));
    const grandchild = await h.store.create((await h.store.lookup(child.entry.id))!, params());
    const secrets = [root.id, fixed.id, child.entry.id, grandchild.entry.id];
    for (const key of await collectKeys(h.physical)) {
      const value = (await h.physical.get(key))!.value.toString('utf8');
      for (const secret of secrets) {
        assert.ok(!key.includes(secret), `storage key ${key} contains a token`);
        assert.ok(!value.includes(secret), `storage value of ${key} contains a token`);
      }
    }
  });

  it('enforces the policy subset rule unless the caller has sudo', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const parent = (await h.store.lookup((await h.store.create(root, params({ policies: ['a', 'b'] }))).entry.id))!;
    await rejects(h.store.create(parent, params({ policies: ['a', 'c'] })), 'invalid_request', 'child policies must be subset of parent');
    const subset = await h.store.create(parent, params({ policies: ['a'] }));
    assert.deepEqual(subset.auth.policies, ['a', 'default']);
    const inherited = await h.store.create(parent, params());
    assert.deepEqual(inherited.auth.policies, ['a', 'b', 'default']);
    const noDefault = await h.store.create(parent, params({ policies: ['a'], noDefaultPolicy: true }));
    assert.deepEqual(noDefault.auth.policies, ['a']);
    const sudo = await h.store.create(parent, params({ policies: ['c'], hasSudo: true }));
    assert.deepEqual(sudo.auth.policies, ['c', 'default']);
    await rejects(h.store.create(parent, params({ policies: ['root'], hasSudo: true })), 'invalid_request', 'root tokens may not be created without parent token being root');
    await rejects(h.store.create(parent, params({ noParent: true })), 'invalid_request', 'root or sudo privileges required to create orphan token');
    await rejects(h.store.create(parent, params({ period: 60 })), 'invalid_request', 'root or sudo privileges required to create periodic token');
    await rejects(h.store.create(parent, params({ id: 'custom' })), 'invalid_request', 'root or sudo privileges required to specify token id');
    await rejects(h.store.create(parent, params({ policies: ['response-wrapping'], hasSudo: true })), 'invalid_request', 'cannot assign policy "response-wrapping"');
    await rejects(h.store.create(null, params()), 'invalid_request', 'parent token lookup failed: no parent found');
    const orphan = await h.store.create(parent, params({ orphan: true, path: 'create-orphan' }));
    assert.equal(orphan.auth.orphan, true);
    assert.equal(orphan.entry.path, 'auth/token/create-orphan');
  });

  it('creates batch tokens that are never stored, not renewable, and die with their parent', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const parent = (await h.store.lookup((await h.store.create(root, params({ policies: ['a'] }))).entry.id))!;
    const keysBefore = (await collectKeys(h.physical)).length;
    const { entry, auth } = await h.store.create(parent, params({ type: 'batch', ttl: 600 }));
    assert.match(entry.id, /^hvb\.[A-Za-z0-9_-]+$/);
    assert.equal((await collectKeys(h.physical)).length, keysBefore, 'nothing is written for a batch token');
    assert.equal(auth.renewable, false);
    assert.equal(auth.accessor, '');
    assert.equal(auth.tokenType, 'batch');
    const batch = (await h.store.lookup(entry.id))!;
    assert.deepEqual(batch.policies, ['a', 'default']);
    const data = await h.store.lookupResponse(batch);
    assert.equal(data['type'], 'batch');
    assert.equal(data['renewable'], false);
    assert.equal(data['expire_time'], '2024-01-01T00:10:00Z');
    await rejects(h.store.renew(entry.id, 0), 'invalid_request', 'batch tokens cannot be renewed');
    await rejects(h.store.revokeTree(entry.id), 'invalid_request', 'batch tokens cannot be revoked');
    await rejects(h.store.create(batch, params()), 'invalid_request', 'batch tokens cannot create more tokens');
    await rejects(h.store.create(parent, params({ type: 'batch', numUses: 2 })), 'invalid_request', 'batch tokens cannot have "num_uses" set');
    await rejects(h.store.create(root, params({ type: 'batch', policies: ['root'] })), 'invalid_request', 'batch tokens cannot be root tokens');
    assert.equal(await h.store.lookup(entry.id.slice(0, -4) + 'AAAA'), null, 'a tampered batch token is unknown');

    h.clock.jump(601_000);
    assert.equal(await h.store.lookup(entry.id), null, 'a batch token expires by its TTL');
    const second = await h.store.create(parent, params({ type: 'batch', ttl: 600 }));
    await h.store.revokeTree(parent.id);
    assert.equal(await h.store.lookup(second.entry.id), null, 'a non-orphan batch token dies with its parent');
  });

  it('revokes a token tree, including the leases of every token in it', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const parent = (await h.store.lookup((await h.store.create(root, params())).entry.id))!;
    const child = (await h.store.lookup((await h.store.create(parent, params())).entry.id))!;
    const grandchild = (await h.store.create(child, params())).entry;
    const sibling = (await h.store.create(root, params())).entry;
    const { leaseId } = await h.expiration.registerSecret({
      path: 'db/creds/ro',
      owner: h.store.leaseOwner(child),
      response: { secret: { ttl: 60, maxTtl: 0, renewable: true, internalData: { secret_type: 'x' } } },
      mountDefaults: { defaultTtl: 60, maxTtl: 60 },
    });
    await h.store.revokeTree(parent.id);
    for (const gone of [parent, child, grandchild]) {
      assert.equal(await h.store.lookup(gone.id), null);
      assert.equal(await h.store.lookupByAccessor(gone.accessor, { tainted: true }), null);
    }
    assert.ok(await h.store.lookup(sibling.id));
    await h.expiration.processDue();
    assert.deepEqual(h.revokedSecrets, [leaseId]);
    const keys = await collectKeys(h.physical);
    assert.ok(!keys.some((k) => k.includes(parent.key) || k.includes(child.key) || k.includes(grandchild.key)), 'no trace of the tree is left');
  });

  it('revokes one token and orphans its children', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const parent = (await h.store.lookup((await h.store.create(root, params())).entry.id))!;
    const child = (await h.store.create(parent, params())).entry;
    await h.store.revokeOrphan(parent.id);
    assert.equal(await h.store.lookup(parent.id), null);
    const orphan = await h.store.lookup(child.id);
    assert.equal(orphan!.parent, '');
    assert.equal((await h.store.lookupResponse(orphan!))['orphan'], true);
  });

  it('revokes by accessor', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const t = (await h.store.create(root, params())).entry;
    assert.equal(await h.store.revokeAccessor(t.accessor), true);
    assert.equal(await h.store.lookup(t.id), null);
    assert.equal(await h.store.revokeAccessor(t.accessor), false);
  });

  it('counts uses and revokes after the last one', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const t = (await h.store.create(root, params({ numUses: 2 }))).entry;
    let entry = await h.store.checkToken(t.id);
    const first = await h.store.useToken(entry);
    assert.deepEqual([first.lastUse, first.entry.numUses], [false, 1]);
    await rejects(h.store.create(first.entry, params()), 'invalid_request', 'restricted use token cannot generate child tokens');
    entry = await h.store.checkToken(t.id);
    const second = await h.store.useToken(entry);
    assert.deepEqual([second.lastUse, second.entry.numUses], [true, -1]);
    await rejects(h.store.checkToken(t.id), 'permission_denied', 'permission denied');
    assert.equal((await h.store.lookup(t.id, { tainted: true }))!.numUses, -1, 'still visible to lookup while its last request runs');
    await h.store.revokeTree(t.id);
    assert.equal(await h.store.lookup(t.id, { tainted: true }), null);
  });

  it('refuses expired and unknown tokens, and revokes expired ones through the timer', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const t = (await h.store.create(root, params({ ttl: 60 }))).entry;
    await rejects(h.store.checkToken('hvs.nope'), 'permission_denied', 'permission denied');
    await rejects(h.store.checkToken(''), 'permission_denied', 'permission denied');
    h.clock.jump(61_000);
    await rejects(h.store.checkToken(t.id), 'permission_denied', 'permission denied');
    await h.expiration.processDue();
    assert.equal(await h.store.lookup(t.id, { tainted: true }), null);
    assert.ok(!(await collectKeys(h.physical)).some((k) => k.includes(t.key)));
  });

  it('binds tokens to CIDR blocks through roles and inherits them to children', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const { role } = applyRoleInput(null, 'office', { token_bound_cidrs: ['10.0.0.0/8', '192.168.1.7'] }, 32 * DAY);
    await h.store.writeRole(role);
    const t = (await h.store.create(root, params({ roleName: 'office', path: 'create/office', policies: ['web'] }))).entry;
    assert.ok(await h.store.checkToken(t.id, '10.1.2.3'));
    assert.ok(await h.store.checkToken(t.id, '::ffff:192.168.1.7'));
    await rejects(h.store.checkToken(t.id, '192.168.1.8'), 'permission_denied', 'permission denied');
    await rejects(h.store.checkToken(t.id, undefined), 'permission_denied', 'permission denied');
    const child = (await h.store.create((await h.store.checkToken(t.id, '10.0.0.1'))!, params())).entry;
    assert.deepEqual(child.boundCidrs, ['10.0.0.0/8', '192.168.1.7']);
    await rejects(h.store.checkToken(child.id, '8.8.8.8'), 'permission_denied', 'permission denied');
  });

  it("renews with Vault's rules", async () => {
    const h = tokenHarness({ ttlDefaults: () => ({ defaultTtl: 3600, maxTtl: 10 * 3600 }) });
    const root = await rootOf(h);
    const t = (await h.store.create(root, params({ ttl: 600 }))).entry;
    h.clock.jump(100_000);
    const renewed = await h.store.renew(t.id, 1800);
    assert.equal(renewed!.auth.ttl, 1800);
    assert.equal(renewed!.auth.clientToken, t.id);
    const data = await h.store.lookupResponse((await h.store.lookup(t.id))!);
    assert.equal(data['last_renewal'], '2024-01-01T00:01:40Z');
    assert.equal(data['ttl'], 1800);

    const fixed = (await h.store.create(root, params({ renewable: false }))).entry;
    await rejects(h.store.renew(fixed.id, 60), 'invalid_request', 'lease is not renewable');
    await rejects(h.store.renew('hvs.unknown', 60), 'invalid_request', 'token not found');
    await rejects(h.store.renew(root.id, 60), 'invalid_request', 'invalid lease ID');

    const periodic = (await h.store.create(root, params({ period: 300, hasSudo: true }))).entry;
    assert.equal((await h.store.lookup(periodic.id))!.ttl, 300);
    h.clock.jump(100_000);
    assert.equal((await h.store.renew(periodic.id, 5000))!.auth.ttl, 300, 'a periodic token is reset to its period');

    const capped = (await h.store.create(root, params({ explicitMaxTtl: 1000 }))).entry;
    assert.equal((await h.store.lookup(capped.id))!.ttl, 1000);
    h.clock.jump(400_000);
    const result = await h.store.renew(capped.id, 3600);
    assert.equal(result!.auth.ttl, 600);
    assert.deepEqual(result!.warnings, ['TTL of "1h0m0s" exceeded the effective max_ttl of "10m0s"; TTL value is capped accordingly']);
  });

  it('creates tokens against roles', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const dev = (await h.store.lookup((await h.store.create(root, params({ policies: ['dev'] }))).entry.id))!;
    const { role } = applyRoleInput(
      null,
      'ci',
      { allowed_policies: ['ci', 'deploy'], allowed_policies_glob: ['app-*'], disallowed_policies: ['admin'], orphan: true, path_suffix: 'rev-2', token_period: 3600, renewable: true, token_num_uses: 5 },
      32 * DAY,
    );
    await h.store.writeRole(role);
    const byRole = await h.store.create(dev, params({ roleName: 'ci', path: 'create/ci' }));
    assert.deepEqual(byRole.auth.policies, ['ci', 'default', 'deploy'], 'the role may grant what the parent lacks');
    assert.equal(byRole.entry.path, 'auth/token/create/ci/rev-2');
    assert.equal(byRole.entry.parent, '');
    assert.equal(byRole.entry.role, 'ci');
    assert.equal(byRole.entry.numUses, 5);
    assert.equal(byRole.auth.period, 3600);
    assert.equal(byRole.auth.ttl, 3600);
    const globbed = await h.store.create(dev, params({ roleName: 'ci', path: 'create/ci', policies: ['app-web'] }));
    assert.deepEqual(globbed.auth.policies, ['app-web', 'default']);
    await rejects(
      h.store.create(dev, params({ roleName: 'ci', path: 'create/ci', policies: ['other'] })),
      'invalid_request',
      `token policies (["default" "other"]) must be subset of the role's allowed policies (["ci" "default" "deploy"]) or glob policies (["app-*"])`,
    );
    await rejects(h.store.create(dev, params({ roleName: 'nope' })), 'invalid_request', 'unknown role nope');

    const batchRole = applyRoleInput(null, 'short', { token_type: 'batch', orphan: true, renewable: false }, 32 * DAY).role;
    await h.store.writeRole(batchRole);
    const batch = await h.store.create(dev, params({ roleName: 'short', path: 'create/short' }));
    assert.equal(batch.entry.type, 'batch');
    assert.deepEqual(await h.store.listRoles(), ['ci', 'short']);
    await h.store.deleteRole('short');
    assert.equal(await h.store.readRole('short'), null);
  });

  it('issues login tokens from an auth method answer', async () => {
    const h = tokenHarness();
    const { entry, auth } = await h.store.createFromAuth({
      auth: { policies: ['web'], metadata: { username: 'bob' }, displayName: 'userpass-bob', ttl: 0, maxTtl: 0, renewable: true, internalData: { password_hash: 'x' } },
      path: 'auth/userpass/login/bob',
      mountDefaults: { defaultTtl: 1200, maxTtl: 3600 },
    });
    assert.deepEqual(auth.policies, ['default', 'web']);
    assert.equal(auth.ttl, 1200);
    assert.equal(auth.orphan, true);
    assert.equal(auth.clientToken, entry.id);
    const lease = await h.expiration.get(`auth/userpass/login/bob/${entry.key}`);
    assert.deepEqual(lease!.auth!.internalData, { password_hash: 'x' });
    await rejects(
      h.store.createFromAuth({ auth: { policies: ['root'], metadata: {}, displayName: 'x', ttl: 0, maxTtl: 0, renewable: false }, path: 'auth/x/login', mountDefaults: { defaultTtl: 1, maxTtl: 1 } }),
      'invalid_request',
      'auth methods cannot create root tokens',
    );
    const batch = await h.store.createFromAuth({
      auth: { policies: ['web'], metadata: {}, displayName: 'approle', ttl: 60, maxTtl: 0, renewable: true },
      path: 'auth/approle/login',
      mountDefaults: { defaultTtl: 1200, maxTtl: 3600 },
      mountTokenType: 'default-batch',
    });
    assert.equal(batch.entry.type, 'batch');
    assert.equal(batch.auth.renewable, false);
  });

  it('creates single-use wrapping tokens', async () => {
    const h = tokenHarness();
    const w = await h.store.createWrappingToken({ ttl: 300, creationPath: 'sys/wrapping/wrap' });
    const entry = await h.store.checkToken(w.id);
    assert.deepEqual(entry.policies, ['response-wrapping']);
    assert.equal(entry.numUses, 1);
    assert.equal((await h.store.useToken(entry)).lastUse, true);
  });

  it('revokes tokens through sys/leases/revoke-prefix on their creation path', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const { role } = applyRoleInput(null, 'ci', { path_suffix: 'rev-1' }, 32 * DAY);
    await h.store.writeRole(role);
    const old = (await h.store.create(root, params({ roleName: 'ci', path: 'create/ci', policies: ['a'] }))).entry;
    const other = (await h.store.create(root, params({ policies: ['a'] }))).entry;
    await h.expiration.revokePrefix('auth/token/create/ci/rev-1');
    assert.equal(await h.store.lookup(old.id), null);
    assert.ok(await h.store.lookup(other.id));
  });

  it('keeps tokens and their expiry across a restart', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const t = (await h.store.create(root, params({ policies: ['a'], ttl: 60 }))).entry;
    h.expiration.stop();
    const expiration = createExpirationManager({
      storage: new StorageView(h.physical, 'sys/expire/'),
      logger: silentLogger,
      now: h.clock.now,
      scheduler: h.clock,
      revokeSecret: async () => undefined,
      renewSecret: async () => null,
    });
    const store = createTokenStore({ storage: new StorageView(h.physical, 'sys/token/'), expiration, logger: silentLogger, now: h.clock.now });
    await expiration.restore();
    assert.ok(await store.checkToken(t.id));
    assert.ok(await store.checkToken(root.id));
    h.clock.advance(61_000);
    await expiration.processDue();
    assert.equal(await store.lookup(t.id, { tainted: true }), null, 'the restored timer revoked the expired token');
  });

  it('lists accessors and tidies dangling index entries', async () => {
    const h = tokenHarness();
    const root = await rootOf(h);
    const a = (await h.store.create(root, params())).entry;
    const b = (await h.store.create(root, params())).entry;
    const { keys } = await h.store.listAccessors();
    assert.deepEqual(keys.sort(), [root.accessor, a.accessor, b.accessor].sort());
    // Simulate a crash that left b's entry gone but its indexes behind.
    await h.physical.delete(`sys/token/id/${b.key}`);
    const result = await h.store.tidy();
    assert.deepEqual(result, { orphaned: 0, parentIndexesRemoved: 1, accessorsRemoved: 1 });
    assert.deepEqual((await h.store.listAccessors()).keys.sort(), [root.accessor, a.accessor].sort());
  });
});
