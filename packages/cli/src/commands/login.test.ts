import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../testing/fake-io.js';
import { FakeVault } from '../testing/fake-vault.js';

const loginAuth = {
  auth: {
    client_token: 'hvs.user',
    accessor: 'acc',
    policies: ['default', 'dev'],
    token_policies: ['default', 'dev'],
    identity_policies: [],
    metadata: { username: 'alice' },
    lease_duration: 2764800,
    renewable: true,
  },
};

describe('login', () => {
  const vault = new FakeVault();
  before(() => vault.start());
  after(() => vault.stop());

  it('token login checks the token with lookup-self and stores it in ~/.vault-token', async () => {
    vault.on('GET', 'auth/token/lookup-self', (req) => ({
      body: { data: { id: req.headers['x-vault-token'], accessor: 'root-acc', policies: ['root'], ttl: 0, renewable: false } },
    }));
    const r = await runCli(['login', 'hvs.root'], { env: { VAULT_ADDR: vault.address } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(vault.last().headers['x-vault-token'], 'hvs.root');
    assert.equal(readFileSync(join(r.home, '.vault-token'), 'utf8'), 'hvs.root');
    assert.equal(statSync(join(r.home, '.vault-token')).mode & 0o777, 0o600);
    assert.ok(r.stdout.startsWith('Success! You are now authenticated.'));
    assert.match(r.stdout, /^token_duration\s+∞$/m);
    assert.match(r.stdout, /^policies\s+\["root"\]$/m);
    assert.equal(r.stderr, '');
  });

  it('warns when VAULT_TOKEN is set, since it takes precedence', async () => {
    const r = await runCli(['login', 'hvs.root'], { env: { VAULT_ADDR: vault.address, VAULT_TOKEN: 'other' } });
    assert.match(r.stderr, /^WARNING! The VAULT_TOKEN environment variable is set!/);
  });

  it('reads the token from stdin with "-"', async () => {
    const r = await runCli(['login', '-'], { env: { VAULT_ADDR: vault.address }, stdin: 'hvs.piped\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(vault.last().headers['x-vault-token'], 'hvs.piped');
  });

  it('userpass login posts the password without sending a stored token', async () => {
    vault.on('PUT', 'auth/userpass/login/alice', { body: loginAuth });
    const r = await runCli(['login', '-method=userpass', 'username=alice', 'password=pw'], { env: { VAULT_ADDR: vault.address } });
    assert.equal(r.code, 0, r.stderr);
    const req = vault.last();
    assert.deepEqual(req.body, { password: 'pw' });
    assert.equal(req.headers['x-vault-token'], undefined);
    assert.equal(readFileSync(join(r.home, '.vault-token'), 'utf8'), 'hvs.user');
    assert.match(r.stdout, /^token_meta_username\s+alice$/m);
  });

  it('approle login at a custom path with -no-store and -token-only', async () => {
    vault.on('PUT', 'auth/ci-approle/login', { body: loginAuth });
    let r = await runCli(['login', '-method=approle', '-path=ci-approle', 'role_id=r', 'secret_id=s', '-token-only'], {
      env: { VAULT_ADDR: vault.address },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hvs.user');
    assert.deepEqual(vault.last().body, { role_id: 'r', secret_id: 's' });
    assert.equal(existsSync(join(r.home, '.vault-token')), false);
    r = await runCli(['login', '-method=approle', '-path=ci-approle', '-no-store', 'role_id=r'], { env: { VAULT_ADDR: vault.address } });
    assert.match(r.stderr, /The token was not stored in token helper/);
    assert.equal(existsSync(join(r.home, '.vault-token')), false);
  });

  it('failed logins exit 2 with "Error authenticating"', async () => {
    vault.on('PUT', 'auth/userpass/login/bob', { status: 400, body: { errors: ['invalid username or password'] } });
    const r = await runCli(['login', '-method=userpass', 'username=bob', 'password=bad'], { env: { VAULT_ADDR: vault.address } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Error authenticating: Error making API request\.[\s\S]*\* invalid username or password\n$/);
  });

  it('unknown methods are a usage error', async () => {
    const r = await runCli(['login', '-method=carrier-pigeon'], { env: { VAULT_ADDR: vault.address } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Unknown auth method: carrier-pigeon\./);
  });
});
