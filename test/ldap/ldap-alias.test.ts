// What an ldap login reports to the core about who logged in, against a real
// OpenLDAP (slapd): the entity alias (the directory's userattr value, or the
// login name with username_as_alias), the group aliases, an anonymous
// discoverdn search, and names that must be escaped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ldapFactory } from '@coffer/builtin';
import { assertRejectsWithCode as rejects, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { GROUPS, PEOPLE, SEED, UPN_DOMAIN, skipWithoutSlapd, startSlapdInstance, type SlapdInstance } from '../support/slapd-instance.js';

describe('ldap login aliases', { skip: skipWithoutSlapd() }, () => {
  let slapd: SlapdInstance;

  before(async () => {
    slapd = await startSlapdInstance();
  });
  after(async () => {
    await slapd?.destroy();
  });

  async function mounted(config: Record<string, unknown>): Promise<TestBackend> {
    const t = await createTestBackend(ldapFactory, { mountPoint: 'auth/ldap/', mountType: 'ldap' });
    await t.write('config', { url: slapd.url, userdn: PEOPLE, groupdn: GROUPS, ...config });
    return t;
  }

  it("names the alias after the directory's userattr value, and reports every group as a group alias", async () => {
    const t = await mounted({ binddn: SEED.reader.dn, bindpass: SEED.reader.password, userattr: 'uid' });
    await t.write('users/alice', { groups: 'local-team' });
    const auth = (await t.write('login/ALICE', { password: 'alice-pw' }))?.auth;
    assert.equal(auth?.alias?.name, 'alice');
    assert.deepEqual(auth?.alias?.metadata, { name: 'alice' });
    assert.deepEqual(auth?.groupAliases?.map((g) => g.name).sort(), ['devs', 'local-team', 'ops']);
    assert.deepEqual(auth?.metadata, { username: 'alice' });
    assert.equal(auth?.internalData?.['password'], 'alice-pw', 'kept server side for renewal, as Vault does');
  });

  it('uses the login name as alias with username_as_alias, keeping its case with case_sensitive_names', async () => {
    const t = await mounted({ binddn: SEED.reader.dn, bindpass: SEED.reader.password, userattr: 'uid', username_as_alias: true, case_sensitive_names: true });
    // With case-sensitive names the directory (case-insensitive for uid) still accepts "Bob".
    const auth = (await t.write('login/Bob', { password: 'bob-pw' }))?.auth;
    assert.equal(auth?.alias?.name, 'Bob');
    assert.deepEqual(auth?.metadata, { username: 'Bob' });
  });

  it('finds the user with an anonymous search with discoverdn, and the alias is the cn when userattr is cn', async () => {
    const t = await mounted({ discoverdn: true, userattr: 'cn' });
    const auth = (await t.write('login/Carol Danvers', { password: 'carol-pw' }))?.auth;
    // The alias is the directory's spelling, not the lower-cased login name.
    assert.equal(auth?.alias?.name, 'Carol Danvers');
    assert.deepEqual(auth?.groupAliases?.map((g) => g.name), ['devs']);
  });

  it('finds the user by userPrincipalName with upndomain', async () => {
    const t = await mounted({ binddn: SEED.reader.dn, bindpass: SEED.reader.password, userattr: 'uid', upndomain: UPN_DOMAIN });
    const auth = (await t.write('login/alice', { password: 'alice-pw' }))?.auth;
    assert.equal(auth?.alias?.name, 'alice');
    assert.deepEqual(auth?.groupAliases?.map((g) => g.name).sort(), ['devs', 'ops']);
    await rejects(t.write('login/alice', { password: 'bob-pw' }), 'invalid_request', 'ldap operation failed: failed to bind as user');
    // Escaped in the UPN filter too: unescaped, (userPrincipalName=a*@example.org) would find alice alone.
    await rejects(t.write('login/a*', { password: 'alice-pw' }), 'invalid_request', 'ldap operation failed: failed to bind as user');
  });

  it('escapes the name in the built bind DN and in the search filter', async () => {
    // Unescaped, "alice,ou=people" under dc=example,dc=org would be alice's own DN.
    const direct = await mounted({ userattr: 'uid', userdn: 'dc=example,dc=org' });
    await rejects(direct.write('login/alice,ou=people', { password: 'alice-pw' }), 'invalid_request', 'ldap operation failed: failed to bind as user');
    // Unescaped, (uid=a*) would find alice alone and let "a*" log in as her.
    const searching = await mounted({ binddn: SEED.reader.dn, bindpass: SEED.reader.password, userattr: 'uid' });
    await rejects(searching.write('login/a*', { password: 'alice-pw' }), 'invalid_request', 'ldap operation failed: failed to bind as user');
    assert.equal((await searching.write('login/alice', { password: 'alice-pw' }))?.auth?.alias?.name, 'alice');
  });

  it('warns when the directory has no groups for the user', async () => {
    const t = await mounted({ binddn: SEED.reader.dn, bindpass: SEED.reader.password, userattr: 'uid', groupfilter: '(cn=no-such-group)' });
    const resp = await t.write('login/alice', { password: 'alice-pw' });
    assert.match(resp?.warnings?.[0] ?? '', /no LDAP groups found in groupDN 'ou=groups,dc=example,dc=org'/);
  });
});
