import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InmemStorage, silentLogger } from '@coffer/sdk';
import { writeGroup, writeGroupAlias } from './group-ops.js';
import { entityForLogin, refreshExternalGroups } from './login.js';
import { identityPolicies } from './request-identity.js';
import { identityAfterRenewal } from './renewal.js';
import { IdentityStore } from './store.js';
import type { MountInfo } from './types.js';

const MOUNTS: Record<string, MountInfo> = {
  auth_ldap_1: { accessor: 'auth_ldap_1', type: 'ldap', path: 'auth/ldap/', local: false },
  auth_jwt_2: { accessor: 'auth_jwt_2', type: 'jwt', path: 'auth/jwt/', local: false },
};

async function newStore(): Promise<{ store: IdentityStore; storage: InmemStorage }> {
  const storage = new InmemStorage();
  const store = new IdentityStore({ storage: () => storage, mountByAccessor: (a) => MOUNTS[a], logger: silentLogger });
  await store.load();
  return { store, storage };
}

async function externalGroup(store: IdentityStore, name: string, accessor: string, policy: string): Promise<string> {
  const { group } = await writeGroup(store, { name: `${accessor}-${name}`, type: 'external', policies: [policy] });
  await writeGroupAlias(store, { name, mountAccessor: accessor, canonicalId: group.id });
  return group.id;
}

describe('external group memberships from logins', () => {
  it('follow the groups the auth method reports at login and on renewal, per mount', async () => {
    const { store, storage } = await newStore();
    const admins = await externalGroup(store, 'admins', 'auth_ldap_1', 'admin');
    const devs = await externalGroup(store, 'devs', 'auth_ldap_1', 'dev');
    const jwtDevs = await externalGroup(store, 'devs', 'auth_jwt_2', 'jwt-dev');

    const entity = await entityForLogin(store, { mountAccessor: 'auth_ldap_1', alias: { name: 'ann' }, groupAliases: [{ name: 'admins' }, { name: 'devs' }, { name: 'unknown' }] });
    assert.deepEqual(store.directGroupsOf(entity.id).map((g) => g.id).sort(), [admins, devs].sort());
    assert.deepEqual(identityPolicies(store, store.entity(entity.id)!), ['admin', 'dev']);

    // The same user through another mount: that mount's groups are added, the first mount's stay.
    const viaJwt = await entityForLogin(store, { mountAccessor: 'auth_jwt_2', alias: { name: 'ann' }, groupAliases: [{ name: 'devs' }] });
    assert.notEqual(viaJwt.id, entity.id, "another mount's alias is another entity until merged");

    // A renewal that no longer reports "admins" drops that membership only.
    await refreshExternalGroups(store, entity.id, 'auth_ldap_1', [{ name: 'devs' }]);
    assert.deepEqual(store.directGroupsOf(entity.id).map((g) => g.id), [devs]);
    assert.deepEqual(store.group(jwtDevs)!.memberEntityIds, [viaJwt.id]);

    // The next login reuses the entity and applies the groups reported then.
    const again = await entityForLogin(store, { mountAccessor: 'auth_ldap_1', alias: { name: 'ANN', metadata: { dn: 'cn=ann' } }, groupAliases: [] });
    assert.equal(again.id, entity.id);
    assert.deepEqual(store.directGroupsOf(entity.id), []);
    assert.deepEqual(store.entity(entity.id)!.aliases[0]!.metadata, { dn: 'cn=ann' });

    // Everything was stored: a fresh store over the same storage sees the same.
    const reloaded = new IdentityStore({ storage: () => storage, mountByAccessor: (a) => MOUNTS[a], logger: silentLogger });
    await reloaded.load();
    assert.equal(reloaded.aliasByName('auth_ldap_1', 'ann')!.entity.id, entity.id);
    assert.deepEqual(reloaded.group(jwtDevs)!.memberEntityIds, [viaJwt.id]);
  });

  it('a refused write leaves memory and storage unchanged', async () => {
    const { store, storage } = await newStore();
    const { group: a } = await writeGroup(store, { name: 'a' });
    const { group: b } = await writeGroup(store, { name: 'b', memberGroupIds: [a.id] });
    const before = JSON.stringify(await storage.get(`group/${a.id}`));
    await assert.rejects(writeGroup(store, { id: a.id, memberGroupIds: [b.id], policies: ['x'] }), /cyclic relationship/);
    assert.equal(JSON.stringify(await storage.get(`group/${a.id}`)), before);
    assert.deepEqual(store.group(a.id)!.policies, []);
    assert.deepEqual(store.parentGroupIds(a.id), [b.id]);
  });

  it('a renewal keeps the token\'s entity and applies the groups the method reports again', async () => {
    const { store } = await newStore();
    const admins = await externalGroup(store, 'admins', 'auth_ldap_1', 'admin');
    const entity = await entityForLogin(store, { mountAccessor: 'auth_ldap_1', alias: { name: 'bo' }, groupAliases: [{ name: 'admins' }] });
    const leaseAuth = { policies: [], metadata: {}, displayName: '', ttl: 60, maxTtl: 0, renewable: true, entityId: entity.id };

    // A method that reports no groups on renewal leaves memberships alone.
    const quiet = await identityAfterRenewal(store, { leaseAuth, mountAccessor: 'auth_ldap_1', response: { auth: { ...leaseAuth, entityId: undefined } } });
    assert.equal(quiet?.auth?.entityId, entity.id);
    assert.deepEqual(store.directGroupsOf(entity.id).map((g) => g.id), [admins]);

    // One that reports an empty list takes them away.
    await identityAfterRenewal(store, { leaseAuth, mountAccessor: 'auth_ldap_1', response: { auth: { ...leaseAuth, groupAliases: [] } } });
    assert.deepEqual(store.directGroupsOf(entity.id), []);
    await identityAfterRenewal(store, { leaseAuth, mountAccessor: 'auth_ldap_1', response: { auth: { ...leaseAuth, groupAliases: [{ name: 'admins' }] } } });
    assert.deepEqual(store.directGroupsOf(entity.id).map((g) => g.id), [admins]);
    // A refused renewal (no auth) changes nothing.
    assert.equal(await identityAfterRenewal(store, { leaseAuth, mountAccessor: 'auth_ldap_1', response: null }), null);
  });
});
