// Black-box compatibility: node-vault's ldapLogin against a `coffer server`
// process whose ldap method is backed by a throwaway OpenLDAP (slapd): the
// token carries the policies mapped to the user's LDAP groups, and a wrong
// password is refused with Vault's status and message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startCoffer } from '../support/coffer-process.js';
import { GROUPS, PEOPLE, SEED, skipWithoutSlapd, startSlapdInstance } from '../support/slapd-instance.js';

const require = createRequire(import.meta.url);
const nodeVault = require('node-vault') as (opts: { apiVersion: string; endpoint: string; token?: string }) => any;

test('node-vault: ldapLogin with group policies, tokenLookupSelf; a wrong password refused', { skip: skipWithoutSlapd() }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'coffer-node-vault-ldap-'));
  const slapd = await startSlapdInstance();
  const port = await freePort();
  const server = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-root-token-id=nv-root'], port, { HOME: home });
  try {
    const admin = nodeVault({ apiVersion: 'v1', endpoint: server.address, token: 'nv-root' });
    // The default mount: ldapLogin without mount_point logs in at auth/ldap.
    await admin.enableAuth({ mount_point: 'ldap', type: 'ldap' });
    await admin.write('auth/ldap/config', { url: slapd.url, binddn: SEED.reader.dn, bindpass: SEED.reader.password, userdn: PEOPLE, userattr: 'uid', groupdn: GROUPS });
    // bob is in ops (groupOfUniqueNames) and builders (posixGroup memberUid), not in devs.
    await admin.write('auth/ldap/groups/devs', { policies: 'dev-read' });
    await admin.write('auth/ldap/groups/ops', { policies: 'ops-admin' });
    await admin.write('auth/ldap/groups/builders', { policies: 'build' });

    const vault = nodeVault({ apiVersion: 'v1', endpoint: server.address });
    const login = await vault.ldapLogin({ username: 'bob', password: 'bob-pw' });
    assert.match(login.auth.client_token, /^hvs\./);
    assert.deepEqual(login.auth.policies, ['build', 'default', 'ops-admin']);
    assert.deepEqual(login.auth.metadata, { username: 'bob' });
    // node-vault switched to the new token, as an application would use it.
    assert.equal(vault.token, login.auth.client_token);
    const self = await vault.tokenLookupSelf();
    assert.equal(self.data.display_name, 'ldap-bob');
    assert.equal(self.data.path, 'auth/ldap/login/bob');
    assert.deepEqual(self.data.policies, ['build', 'default', 'ops-admin']);

    await assert.rejects(nodeVault({ apiVersion: 'v1', endpoint: server.address }).ldapLogin({ username: 'bob', password: 'not-bobs-password' }), (err: any) => {
      assert.equal(err.response?.statusCode, 400);
      assert.equal(err.message, 'ldap operation failed: failed to bind as user');
      return true;
    });
  } finally {
    await server.stop();
    await slapd.destroy();
    rmSync(home, { recursive: true, force: true });
  }
});
