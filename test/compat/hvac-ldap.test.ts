// Black-box compatibility: hvac (Python, Debian's python3-hvac) logs in
// through Coffer's ldap method, backed by a throwaway OpenLDAP (slapd),
// against a real `coffer server` process: the token carries the policies
// mapped to the user's LDAP groups, and a wrong password is refused as Vault
// refuses it, as InvalidRequest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startCoffer } from '../support/coffer-process.js';
import { GROUPS, PEOPLE, SEED, skipWithoutSlapd, startSlapdInstance } from '../support/slapd-instance.js';
import { hvacLoginCheckScript, hvacMissing, runHvacScript } from '../support/hvac.js';

const ROOT_TOKEN = 'hvac-root';

/** hvac's ldap login as the user (extra[0]) on the mount given by mount_point=. */
const SCRIPT = hvacLoginCheckScript("c.auth.ldap.login(username=extra[0], password=secret, mount_point=mount)");

const skip = hvacMissing() || skipWithoutSlapd();

test('hvac: ldap login with group policies, lookup_self; a wrong password refused', { skip }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'coffer-hvac-ldap-'));
  const slapd = await startSlapdInstance();
  const port = await freePort();
  const server = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${ROOT_TOKEN}`], port, { HOME: home });
  const admin = async (path: string, body: unknown): Promise<void> => {
    const res = await fetch(`${server.address}/v1/${path}`, { method: 'POST', headers: { 'X-Vault-Token': ROOT_TOKEN }, body: JSON.stringify(body) });
    assert.ok(res.status === 204 || res.status === 200, `${path}: ${res.status} ${await res.text()}`);
  };
  try {
    // A mount other than the default "ldap", so that hvac's mount_point= is what routes the login.
    await admin('sys/auth/corp', { type: 'ldap' });
    await admin('auth/corp/config', { url: slapd.url, binddn: SEED.reader.dn, bindpass: SEED.reader.password, userdn: PEOPLE, userattr: 'uid', groupdn: GROUPS });
    // alice is in devs (groupOfNames) and ops (groupOfUniqueNames), not in builders.
    await admin('auth/corp/groups/devs', { policies: 'dev-read' });
    await admin('auth/corp/groups/ops', { policies: 'ops-admin' });
    await admin('auth/corp/groups/builders', { policies: 'build' });

    const out = await runHvacScript(SCRIPT, [server.address, 'corp', 'alice-pw', 'not-alices-password', 'alice']);
    assert.equal(out['error'], undefined, out['error']);
    assert.match(out['login'].client_token, /^hvs\./);
    assert.deepEqual(out['login'].policies, ['default', 'dev-read', 'ops-admin']);
    assert.deepEqual(out['login'].metadata, { username: 'alice' });
    assert.equal(out['authenticated'], true);
    assert.equal(out['lookup'].display_name, 'corp-alice');
    assert.equal(out['lookup'].path, 'auth/corp/login/alice');
    assert.deepEqual(out['lookup'].policies, ['default', 'dev-read', 'ops-admin']);

    assert.deepEqual(out['refused'], { type: 'InvalidRequest', errors: ['ldap operation failed: failed to bind as user'] });
  } finally {
    await server.stop();
    await slapd.destroy();
    rmSync(home, { recursive: true, force: true });
  }
});
