// The ldap auth method's configuration, local users and groups, and the
// checks a login makes before talking to a directory. Logins against a real
// OpenLDAP are in test/ldap/.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { assertEveryPathDocumented, assertRejectsWithCode as rejects, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { ldapFactory } from './index.js';

async function mount(): Promise<TestBackend> {
  return createTestBackend(ldapFactory, { mountPoint: 'auth/ldap/', mountType: 'ldap' });
}

/** A loopback port nobody listens on. */
async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

describe('ldap config', () => {
  it('is a credential backend whose login path is unauthenticated, every path documented', async () => {
    const t = await mount();
    assert.equal(t.backend.type, 'credential');
    assert.deepEqual(t.backend.specialPaths().unauthenticated, ['login/*']);
    assertEveryPathDocumented(t.backend);
  });

  it("reads Vault's defaults before any write", async () => {
    const t = await mount();
    const data = (await t.read('config'))?.data ?? {};
    assert.equal(data['url'], 'ldap://127.0.0.1');
    assert.equal(data['userattr'], 'cn');
    assert.equal(data['userfilter'], '({{.UserAttr}}={{.Username}})');
    assert.equal(data['groupfilter'], '(|(memberUid={{.Username}})(member={{.UserDN}})(uniqueMember={{.UserDN}}))');
    assert.equal(data['groupattr'], 'cn');
    assert.equal(data['deny_null_bind'], true);
    assert.equal(data['case_sensitive_names'], false);
    assert.equal(data['tls_min_version'], 'tls12');
    assert.equal(data['request_timeout'], 90);
    assert.deepEqual(data['token_policies'], []);
  });

  it('writes the settings, keeps the ones not sent, and never returns bindpass or client_tls_key', async () => {
    const t = await mount();
    await t.write('config', {
      url: 'LDAP://127.0.0.1:1389, ldaps://backup.example.org',
      binddn: 'cn=reader,dc=example,dc=org',
      bindpass: 'service-secret-pw',
      userdn: 'ou=people,dc=example,dc=org',
      userattr: 'UID',
      groupdn: 'ou=groups,dc=example,dc=org',
      token_policies: 'base',
      token_ttl: '1h',
    });
    await t.write('config', { starttls: true, request_timeout: '10s' });
    const read = await t.read('config');
    const data = read?.data ?? {};
    assert.equal(data['url'], 'ldap://127.0.0.1:1389,ldaps://backup.example.org');
    assert.equal(data['binddn'], 'cn=reader,dc=example,dc=org');
    assert.equal(data['userattr'], 'uid');
    assert.equal(data['starttls'], true);
    assert.equal(data['request_timeout'], 10);
    assert.deepEqual(data['token_policies'], ['base']);
    assert.equal(data['token_ttl'], 3600);
    assert.equal('bindpass' in data, false);
    assert.equal('client_tls_key' in data, false);
    assert.equal(JSON.stringify(read).includes('service-secret-pw'), false);
  });

  it('refuses bad settings with a 400 and writes nothing', async () => {
    const t = await mount();
    await rejects(t.write('config', { url: 'http://ldap.example.org' }), 'invalid_request', /invalid LDAP scheme in url "http:\/\/ldap.example.org"/);
    await rejects(t.write('config', { url: ' , ' }), 'invalid_request', 'at least one url must be provided');
    await rejects(t.write('config', { userfilter: '(uid={{.Name}})' }), 'invalid_request', /invalid userfilter: unknown placeholder/);
    await rejects(t.write('config', { groupfilter: '(member={{.UserDN}}' }), 'invalid_request', /invalid groupfilter: unbalanced parentheses/);
    await rejects(t.write('config', { groupfilter: '{{range .}}x{{end}}' }), 'invalid_request', /only \{\{\.Name\}\} placeholders/);
    await rejects(t.write('config', { userfilter: '({{.UserAttr}}={{.Username}})(cn=x)' }), 'invalid_request', /invalid userfilter: Unbalanced parens/);
    await rejects(t.write('config', { tls_min_version: 'tls13', tls_max_version: 'tls12' }), 'invalid_request', /'tls_max_version' must be greater/);
    await rejects(t.write('config', { tls_min_version: 'ssl3' }), 'invalid_request');
    await rejects(t.write('config', { certificate: 'not a pem' }), 'invalid_request', /failed to parse certificate/);
    await rejects(t.write('config', { client_tls_cert: 'x' }), 'invalid_request', 'both client_tls_cert and client_tls_key must be set');
    await rejects(t.write('config', { token_ttl: 100, token_max_ttl: 10 }), 'invalid_request');
    assert.equal(await t.storage.get('config'), null);
  });

  it("warns, as Vault does, when userfilter ignores userattr", async () => {
    const t = await mount();
    const resp = await t.write('config', { userattr: 'uid', userfilter: '(mail={{.Username}})' });
    assert.match(resp?.warnings?.[0] ?? '', /userfilter configured does not consider userattr/);
  });
});

describe('ldap users and groups', () => {
  it('stores groups and policies lower-cased, reads groups as one string, lists and deletes', async () => {
    const t = await mount();
    await t.write('groups/Devs', { policies: 'Dev-Read, ops' });
    await t.write('groups/admins', { policies: ['root', 'x'] });
    assert.deepEqual((await t.read('groups/DEVS'))?.data, { policies: ['dev-read', 'ops'] });
    assert.deepEqual((await t.read('groups/admins'))?.data, { policies: ['root'] });
    assert.deepEqual((await t.list('groups/'))?.data, { keys: ['admins', 'devs'] });

    await t.write('users/Alice', { groups: 'Extra, devs, extra', policies: 'personal' });
    assert.deepEqual((await t.read('users/alice'))?.data, { groups: 'extra,devs', policies: ['personal'] });
    assert.deepEqual((await t.list('users/'))?.data, { keys: ['alice'] });

    await t.delete('users/ALICE');
    await t.delete('groups/devs');
    assert.equal(await t.read('users/alice'), null);
    assert.deepEqual((await t.list('groups/'))?.data, { keys: ['admins'] });
  });

  it('keeps the case of names with case_sensitive_names', async () => {
    const t = await mount();
    await t.write('config', { case_sensitive_names: true });
    await t.write('groups/Devs', { policies: 'a' });
    assert.equal(await t.read('groups/devs'), null);
    assert.deepEqual((await t.read('groups/Devs'))?.data, { policies: ['a'] });
  });
});

describe('ldap login checks before the directory', () => {
  it('refuses logins before the mount is configured', async () => {
    const t = await mount();
    await rejects(t.write('login/alice', { password: 'pw' }), 'invalid_request', 'auth method not configured');
  });

  it('refuses an empty password while deny_null_bind is on (the default)', async () => {
    const t = await mount();
    await t.write('config', { url: `ldap://127.0.0.1:${await deadPort()}` });
    await rejects(t.write('login/alice', { password: '' }), 'invalid_request', 'password cannot be of zero length when passwordless binds are being denied');
  });

  it('says the LDAP server is unreachable, naming every URL tried, and never the password', async () => {
    const t = await mount();
    const [a, b] = [await deadPort(), await deadPort()];
    await t.write('config', { url: `ldap://127.0.0.1:${a},ldap://127.0.0.1:${b}`, userdn: 'ou=people,dc=example,dc=org' });
    const err = await t.write('login/alice', { password: 'alice-secret-pw' }).then(
      () => assert.fail('the login succeeded'),
      (e: Error) => e,
    );
    assert.match(err.message, /^ldap operation failed: the LDAP server is unreachable/);
    assert.match(err.message, new RegExp(`ldap://127.0.0.1:${a}: .*ECONNREFUSED.*; ldap://127.0.0.1:${b}: .*ECONNREFUSED`));
    assert.equal(err.message.includes('alice-secret-pw'), false);
  });

  it('reports a server that accepts the connection but never answers, after request_timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      const t = await mount();
      await t.write('config', { url: `ldap://127.0.0.1:${port}`, userdn: 'ou=people,dc=example,dc=org', request_timeout: 1 });
      await rejects(
        t.write('login/alice', { password: 'pw' }),
        'invalid_request',
        new RegExp(`^ldap operation failed: the LDAP server at ldap://127.0.0.1:${port} stopped answering \\(BindRequest: Operation timed out\\)$`),
      );
    } finally {
      silent.close();
    }
  });

  it('alias lookahead names the trimmed, lower-cased user', async () => {
    const t = await mount();
    await t.write('config', { userdn: 'ou=people,dc=example,dc=org' });
    const resp = await t.request('alias-lookahead', 'login/ Alice ', {});
    assert.equal(resp?.auth?.alias?.name, 'alice');
  });
});
