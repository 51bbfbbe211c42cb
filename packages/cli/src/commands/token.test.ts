import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../testing/fake-io.js';
import { FakeVault } from '../testing/fake-vault.js';

const created = {
  request_id: 'req',
  lease_id: '',
  lease_duration: 0,
  renewable: false,
  data: null,
  auth: {
    client_token: 'hvs.new',
    accessor: 'acc123',
    policies: ['default', 'ops'],
    token_policies: ['default', 'ops'],
    identity_policies: null,
    metadata: { team: 'db' },
    lease_duration: 3600,
    renewable: true,
  },
};

describe('token commands', () => {
  const vault = new FakeVault();
  before(() => vault.start());
  after(() => vault.stop());

  it('token create sends the flags as Vault fields and prints the auth table', async () => {
    vault.on('POST', 'auth/token/create', { body: created });
    const r = await runCli(
      ['token', 'create', '-policy=ops', '-policy', 'default', '-ttl=1h', '-period=30m', '-metadata=team=db', '-use-limit=3', '-orphan', '-display-name=ci', '-type=service'],
      { env: vault.env() },
    );
    assert.equal(r.code, 0, r.stderr);
    const req = vault.last();
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v1/auth/token/create');
    assert.deepEqual(req.body, {
      policies: ['ops', 'default'],
      metadata: { team: 'db' },
      ttl: '1h0m0s',
      period: '30m0s',
      no_parent: true,
      display_name: 'ci',
      num_uses: 3,
      renewable: true,
      type: 'service',
    });
    assert.equal(
      r.stdout,
      [
        'Key                  Value',
        '---                  -----',
        'token                hvs.new',
        'token_accessor       acc123',
        'token_duration       1h',
        'token_renewable      true',
        'token_policies       ["default" "ops"]',
        'identity_policies    []',
        'policies             ["default" "ops"]',
        'token_meta_team      db',
        '',
      ].join('\n'),
    );
  });

  it('token create -role uses the role endpoint and -field=token prints only the token', async () => {
    vault.on('POST', 'auth/token/create/builder', { body: created });
    const r = await runCli(['token', 'create', '-role=builder', '-renewable=false', '-field=token'], { env: vault.env() });
    assert.equal(r.code, 0);
    assert.deepEqual(vault.last().body, { renewable: false });
    assert.equal(r.stdout, 'hvs.new');
  });

  it('token create reports API errors with exit code 2', async () => {
    vault.on('POST', 'auth/token/create', { status: 403, body: { errors: ['permission denied'] } });
    const r = await runCli(['token', 'create'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `Error creating token: Error making API request.\n\nURL: POST ${vault.address}/v1/auth/token/create\nCode: 403. Errors:\n\n* permission denied\n`,
    );
  });

  it('token lookup uses lookup-self, lookup or lookup-accessor', async () => {
    vault.on('GET', 'auth/token/lookup-self', { body: { data: { id: 'tok', ttl: 0, policies: ['root'] } } });
    let r = await runCli(['token', 'lookup'], { env: vault.env() });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ttl\s+0s$/m);
    assert.match(r.stdout, /^policies\s+\[root\]$/m);
    vault.on('POST', 'auth/token/lookup-accessor', { body: { data: { accessor: 'a' } } });
    r = await runCli(['token', 'lookup', '-accessor', 'a'], { env: vault.env() });
    assert.deepEqual(vault.last().body, { accessor: 'a' });
    r = await runCli(['token', 'lookup', '-accessor'], { env: vault.env() });
    assert.equal(r.code, 1);
  });

  it('token renew sends the increment in seconds', async () => {
    vault.on('PUT', 'auth/token/renew', { body: created });
    const r = await runCli(['token', 'renew', '-increment=30m', 'hvs.other'], { env: vault.env() });
    assert.equal(r.code, 0);
    assert.deepEqual(vault.last().body, { token: 'hvs.other', increment: 1800 });
  });

  it('token revoke picks the endpoint from the flags', async () => {
    vault.on('PUT', 'auth/token/revoke-orphan', { status: 204 });
    let r = await runCli(['token', 'revoke', '-mode=orphan', 'hvs.x'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Revoked token (if it existed)\n');
    assert.deepEqual(vault.last().body, { token: 'hvs.x' });
    r = await runCli(['token', 'revoke', '-self', '-accessor'], { env: vault.env() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Cannot use -self with -accessor!\n');
  });

  it('token capabilities prints a sorted, comma-separated list', async () => {
    vault.on('POST', 'sys/capabilities-self', { body: { data: { 'secret/foo': ['update', 'read'], capabilities: ['update', 'read'] } } });
    const r = await runCli(['token', 'capabilities', 'secret/foo'], { env: vault.env() });
    assert.equal(r.stdout, 'read, update\n');
    assert.deepEqual(vault.last().body, { paths: ['secret/foo'] });
  });
});
