// The ldap auth method over HTTP against a real OpenLDAP (slapd): logins
// with policies from group mappings (member, uniqueMember, memberUid and
// memberOf lookups), wrong passwords and unknown users, failover to the next
// URL, renewal re-checking the directory, the directory going down, and no
// password ever reaching the audit log.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { freePort } from '../support/coffer-process.js';
import { GROUPS, PEOPLE, SEED, personDn, skipWithoutSlapd, startSlapdInstance, type SlapdInstance } from '../support/slapd-instance.js';

const WRONG_PASSWORD = 'not-alices-password-42';

describe('ldap auth method against OpenLDAP', { skip: skipWithoutSlapd() }, () => {
  let slapd: SlapdInstance;
  let server: InProcessServer;
  let dir: string;
  let auditLog: string;

  const login = (mount: string, username: string, password: string) =>
    server.request('PUT', `auth/${mount}/login/${encodeURIComponent(username)}`, { password }, { token: null });

  const configure = async (mount: string, config: Record<string, unknown>): Promise<void> => {
    assert.equal((await server.request('POST', `sys/auth/${mount}`, { type: 'ldap' })).status, 204);
    const res = await server.request('PUT', `auth/${mount}/config`, config);
    assert.ok(res.status === 204 || res.status === 200, JSON.stringify(res.body));
  };

  const serviceAccount = () => ({ binddn: SEED.reader.dn, bindpass: SEED.reader.password, userdn: PEOPLE, userattr: 'uid' });

  before(async () => {
    slapd = await startSlapdInstance();
    server = await startInProcessServer();
    dir = mkdtempSync(join(tmpdir(), 'coffer-ldap-audit-'));
    auditLog = join(dir, 'audit.log');
    assert.equal((await server.request('PUT', 'sys/audit/file', { type: 'file', options: { file_path: auditLog } })).status, 204);

    await configure('ldap', { url: slapd.url, ...serviceAccount(), groupdn: GROUPS, token_policies: 'base' });
    for (const [group, policies] of [['devs', 'dev-read'], ['ops', 'ops-admin'], ['builders', 'build'], ['extra', 'extra-policy']]) {
      assert.equal((await server.request('PUT', `auth/ldap/groups/${group}`, { policies })).status, 204);
    }
    assert.equal((await server.request('PUT', 'auth/ldap/users/bob', { groups: 'extra', policies: 'bob-own' })).status, 204);
  });

  after(async () => {
    await server?.close();
    await slapd?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs a user in with the policies of their groups (member and uniqueMember) and the config', async () => {
    const res = await login('ldap', 'alice', 'alice-pw');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const auth = res.body.auth;
    assert.deepEqual(auth.token_policies, ['base', 'default', 'dev-read', 'ops-admin']);
    assert.deepEqual(auth.metadata, { username: 'alice' });
    assert.equal(auth.renewable, true);
    assert.equal(JSON.stringify(res.body).includes('alice-pw'), false);

    const self = await server.request('GET', 'auth/token/lookup-self', undefined, { token: auth.client_token });
    assert.equal(self.status, 200);
    assert.equal(self.body.data.path, 'auth/ldap/login/alice');
    assert.equal(self.body.data.display_name, 'ldap-alice');
  });

  it('adds memberUid groups, local groups and the user\'s own policies', async () => {
    const res = await login('ldap', 'Bob', 'bob-pw');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.auth.token_policies, ['base', 'bob-own', 'build', 'default', 'extra-policy', 'ops-admin']);
    assert.deepEqual(res.body.auth.metadata, { username: 'bob' }, 'names are lower-cased unless case_sensitive_names');
  });

  it('refuses a wrong password, an unknown user and a filter-shaped name alike with 400, leaking nothing', async () => {
    for (const [username, password] of [['alice', WRONG_PASSWORD], ['nobody', 'alice-pw'], ['*', 'alice-pw'], ['alice)(uid=*', 'alice-pw']] as const) {
      const res = await login('ldap', username, password);
      assert.equal(res.status, 400, `${username}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body.errors, ['ldap operation failed: failed to bind as user']);
      assert.equal(JSON.stringify(res.body).includes(password), false);
    }
  });

  it('reads groups from the user\'s memberOf attribute when groupfilter searches users', async () => {
    await configure('ldap-memberof', {
      url: slapd.url,
      ...serviceAccount(),
      groupdn: PEOPLE,
      groupfilter: '(&(objectClass=inetOrgPerson)(uid={{.Username}}))',
      groupattr: 'memberOf',
    });
    assert.equal((await server.request('PUT', 'auth/ldap-memberof/groups/devs', { policies: 'dev-read' })).status, 204);
    const res = await login('ldap-memberof', 'alice', 'alice-pw');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // memberOf is kept for groupOfNames only: devs, not ops.
    assert.deepEqual(res.body.auth.token_policies, ['default', 'dev-read']);
  });

  it('binds with a DN built from the name when no service account is configured', async () => {
    await configure('ldap-direct', { url: slapd.url, userdn: PEOPLE, userattr: 'uid', groupdn: GROUPS });
    assert.equal((await server.request('PUT', 'auth/ldap-direct/groups/ops', { policies: 'ops-admin' })).status, 204);
    const res = await login('ldap-direct', 'bob', 'bob-pw');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.auth.token_policies, ['default', 'ops-admin']);
    assert.equal((await login('ldap-direct', 'bob', WRONG_PASSWORD)).status, 400);
  });

  it('fails over to the next URL when the first one is dead', async () => {
    const dead = await freePort();
    await configure('ldap-failover', { url: `ldap://127.0.0.1:${dead},${slapd.url}`, ...serviceAccount(), groupdn: GROUPS });
    const res = await login('ldap-failover', 'carol', 'carol-pw');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.auth.metadata, { username: 'carol' });
  });

  it('never returns bindpass from a config read', async () => {
    const res = await server.request('GET', 'auth/ldap/config');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.binddn, SEED.reader.dn);
    assert.equal('bindpass' in res.body.data, false);
    assert.equal(JSON.stringify(res.body).includes(SEED.reader.password), false);
  });

  it('renews while the user is in the directory with the same policies, and refuses once they are gone', async () => {
    const res = await login('ldap', 'carol', 'carol-pw');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const token = res.body.auth.client_token;
    const renewed = await server.request('PUT', 'auth/token/renew-self', {}, { token });
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    assert.equal(JSON.stringify(renewed.body).includes('carol-pw'), false, 'the password kept for renewal is never returned');

    await server.request('PUT', 'auth/ldap/groups/devs', { policies: 'dev-read,dev-write' });
    const changed = await server.request('PUT', 'auth/token/renew-self', {}, { token });
    assert.equal(changed.status, 400);
    assert.match(changed.body.errors[0], /policies have changed, not renewing/);
    await server.request('PUT', 'auth/ldap/groups/devs', { policies: 'dev-read' });

    await slapd.asAdmin((client) => client.del(personDn('carol')));
    const gone = await server.request('PUT', 'auth/token/renew-self', {}, { token });
    assert.equal(gone.status, 400);
    assert.deepEqual(gone.body.errors, ['ldap operation failed: failed to bind as user']);
  });

  it('says clearly that the LDAP server is unreachable when it is down', async () => {
    await slapd.stop();
    try {
      const res = await login('ldap', 'alice', 'alice-pw');
      assert.equal(res.status, 400);
      assert.match(res.body.errors[0], new RegExp(`^ldap operation failed: the LDAP server is unreachable \\(${slapd.url.replace(/\./g, '\\.')}: .*ECONNREFUSED`));
    } finally {
      await slapd.start();
    }
    assert.equal((await login('ldap', 'alice', 'alice-pw')).status, 200, 'logins work again once the server is back');
  });

  it('keeps every password out of the audit log', () => {
    const log = readFileSync(auditLog, 'utf8');
    assert.match(log, /auth\/ldap\/login\/alice/, 'the logins were audited');
    for (const secret of ['alice-pw', 'bob-pw', 'carol-pw', SEED.reader.password, WRONG_PASSWORD]) {
      assert.equal(log.includes(secret), false, `${secret} appears in the audit log`);
    }
  });
});
