// `coffer login -method=ldap` against a server process and a real OpenLDAP
// (slapd), set up with the CLI as the docs show: the password given as an
// argument or typed at the prompt, and a wrong one refused.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, runCli, startCoffer, type CofferProcess } from '../support/coffer-process.js';
import { GROUPS, PEOPLE, SEED, skipWithoutSlapd, startSlapdInstance, type SlapdInstance } from '../support/slapd-instance.js';

describe('coffer login -method=ldap', { skip: skipWithoutSlapd() }, () => {
  let slapd: SlapdInstance;
  let coffer: CofferProcess;
  let home: string;
  let admin: NodeJS.ProcessEnv;

  before(async () => {
    slapd = await startSlapdInstance();
    home = mkdtempSync(join(tmpdir(), 'coffer-ldap-cli-'));
    const port = await freePort();
    coffer = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-root-token-id=ldap-root'], port, { HOME: home });
    admin = { HOME: home, VAULT_ADDR: coffer.address, VAULT_TOKEN: 'ldap-root' };
    const steps = [
      ['auth', 'enable', 'ldap'],
      ['write', 'auth/ldap/config', `url=${slapd.url}`, `binddn=${SEED.reader.dn}`, `bindpass=${SEED.reader.password}`, `userdn=${PEOPLE}`, 'userattr=uid', `groupdn=${GROUPS}`],
      ['write', 'auth/ldap/groups/devs', 'policies=dev-read'],
      ['write', 'auth/ldap/groups/ops', 'policies=ops-admin'],
    ];
    for (const step of steps) {
      const r = await runCli(step, admin);
      assert.equal(r.code, 0, `${step.join(' ')}: ${r.stderr}`);
    }
  });

  after(async () => {
    await coffer?.stop();
    await slapd?.destroy();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  // Logins must not send the admin's token: only the address and a fresh HOME.
  const userEnv = (): NodeJS.ProcessEnv => ({ HOME: home, VAULT_ADDR: coffer.address, VAULT_TOKEN: '' });

  it('logs in with username= and password=, stores the token and shows the policies', async () => {
    const r = await runCli(['login', '-method=ldap', '-format=json', 'username=alice', 'password=alice-pw'], userEnv());
    assert.equal(r.code, 0, r.stderr);
    const auth = JSON.parse(r.stdout).auth;
    assert.deepEqual(auth.token_policies, ['default', 'dev-read', 'ops-admin']);
    assert.deepEqual(auth.metadata, { username: 'alice' });
    assert.equal(readFileSync(join(home, '.vault-token'), 'utf8').trim(), auth.client_token);
  });

  it('prompts for the password when it is not given', async () => {
    const r = await runCli(['login', '-method=ldap', 'username=bob'], userEnv(), 'bob-pw\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Password \(will be hidden\):/);
    assert.match(r.stdout, /Success! You are now authenticated/);
    assert.match(r.stdout, /token_policies\s+\["default" "ops-admin"\]/);
    assert.equal(r.stdout.includes('bob-pw'), false);
  });

  it('refuses a wrong password with Vault\'s message and exit code 2', async () => {
    const r = await runCli(['login', '-method=ldap', 'username=alice', 'password=wrong-pw-123'], userEnv());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ldap operation failed: failed to bind as user/);
    assert.equal(r.stderr.includes('wrong-pw-123'), false);
  });
});
