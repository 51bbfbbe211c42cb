import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../testing/fake-io.js';
import { FakeVault } from '../testing/fake-vault.js';

const mounts = {
  'cubbyhole/': { type: 'cubbyhole', accessor: 'cubbyhole_1', description: 'per-token private secret storage', config: { default_lease_ttl: 0, max_lease_ttl: 0 }, local: true, options: null },
  'secret/': { type: 'kv', accessor: 'kv_2', description: 'key/value secret storage', config: { default_lease_ttl: 3600, max_lease_ttl: 0 }, options: { version: '2' }, uuid: 'u-1' },
};

describe('secrets commands', () => {
  const vault = new FakeVault();
  before(() => vault.start());
  after(() => vault.stop());

  it('secrets enable posts the mount and prints Vault\'s message', async () => {
    vault.on('POST', 'sys/mounts/secret/', { status: 204 });
    const r = await runCli(['secrets', 'enable', '-path=secret', '-version=2', '-description=kv', '-max-lease-ttl=2h', '-options=x=y', 'kv'], {
      env: vault.env(),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Success! Enabled the kv secrets engine at: secret/\n');
    const req = vault.last();
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v1/sys/mounts/secret/');
    assert.deepEqual(req.body, {
      type: 'kv',
      description: 'kv',
      config: { max_lease_ttl: '2h0m0s' },
      local: false,
      seal_wrap: false,
      external_entropy_access: false,
      options: { x: 'y', version: '2' },
    });
  });

  it('secrets enable kv-v2 defaults the path to the type and turns versioning on', async () => {
    vault.on('POST', 'sys/mounts/kv-v2/', { status: 204 });
    const r = await runCli(['secrets', 'enable', 'kv-v2'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Enabled the kv-v2 secrets engine at: kv-v2/\n');
    const body = vault.last().body as Record<string, unknown>;
    assert.equal(body.type, 'kv');
    assert.deepEqual(body.options, { version: '2' });
  });

  it('secrets enable of a plugin names the plugin and its version', async () => {
    vault.on('POST', 'sys/mounts/mine/', { status: 204 });
    const r = await runCli(['secrets', 'enable', '-path=mine', '-plugin-name=my-plugin', '-plugin-version=v1.0.0', 'plugin'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Enabled the my-plugin plugin version v1.0.0 at: mine/\n');
    assert.equal((vault.last().body as Record<string, unknown>).type, 'my-plugin');
    assert.equal((vault.last().body as Record<string, unknown>).plugin_version, 'v1.0.0');
  });

  it('secrets enable reports server errors', async () => {
    vault.on('POST', 'sys/mounts/dup/', { status: 400, body: { errors: ['path is already in use at dup/'] } });
    const r = await runCli(['secrets', 'enable', '-path=dup', 'kv'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Error enabling: Error making API request\.\n\nURL: POST .*\/v1\/sys\/mounts\/dup\/\nCode: 400\. Errors:\n\n\* path is already in use at dup\/\n$/);
  });

  it('secrets list prints the table, -detailed the wide one, json the map', async () => {
    vault.on('GET', 'sys/mounts', { body: { data: mounts } });
    let r = await runCli(['secrets', 'list'], { env: vault.env() });
    assert.equal(
      r.stdout,
      [
        'Path          Type         Accessor       Description',
        '----          ----         --------       -----------',
        'cubbyhole/    cubbyhole    cubbyhole_1    per-token private secret storage',
        'secret/       kv           kv_2           key/value secret storage',
        '',
      ].join('\n'),
    );
    r = await runCli(['secrets', 'list', '-detailed'], { env: vault.env() });
    assert.match(r.stdout, /^secret\/\s+kv\s+kv_2\s+3600\s+system\s+false\s+replicated\s+false\s+false\s+map\[version:2\]/m);
    assert.match(r.stdout, /^cubbyhole\/\s+cubbyhole\s+cubbyhole_1\s+n\/a\s+n\/a\s+false\s+local/m);
    r = await runCli(['secrets', 'list', '-format=json'], { env: vault.env() });
    assert.deepEqual(Object.keys(JSON.parse(r.stdout)), ['cubbyhole/', 'secret/']);
  });

  it('secrets tune sends only the given settings', async () => {
    vault.on('POST', 'sys/mounts/secret/tune', { status: 204 });
    const r = await runCli(['secrets', 'tune', '-default-lease-ttl=-1', '-description=new', 'secret'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Tuned the secrets engine at: secret/\n');
    assert.deepEqual(vault.last().body, { default_lease_ttl: 'system', description: 'new' });
  });

  it('secrets disable and move', async () => {
    vault.on('DELETE', 'sys/mounts/old/', { status: 204 });
    let r = await runCli(['secrets', 'disable', 'old'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Disabled the secrets engine (if it existed) at: old/\n');
    vault.on('POST', 'sys/remount', { body: { data: { migration_id: 'm-1' } } });
    vault.on('GET', 'sys/remount/status/m-1', { body: { data: { migration_id: 'm-1', migration_info: { status: 'success' } } } });
    r = await runCli(['secrets', 'move', 'a', 'b/'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'Started moving secrets engine a/ to b/, with migration ID m-1\nSuccess! Finished moving secrets engine a/ to b/, with migration ID m-1\n',
    );
    assert.deepEqual(vault.requests.find((q) => q.path === '/v1/sys/remount')?.body, { from: 'a/', to: 'b/' });
  });
});

describe('auth and audit commands', () => {
  const vault = new FakeVault();
  before(() => vault.start());
  after(() => vault.stop());

  it('auth enable / list / tune / disable', async () => {
    vault.on('POST', 'sys/auth/userpass/', { status: 204 });
    let r = await runCli(['auth', 'enable', 'userpass'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Enabled userpass auth method at: userpass/\n');
    assert.equal((vault.last().body as Record<string, unknown>).type, 'userpass');
    vault.on('GET', 'sys/auth', { body: { data: { 'token/': { type: 'token', accessor: 'auth_token_1', description: 'token based credentials' } } } });
    r = await runCli(['auth', 'list'], { env: vault.env() });
    assert.equal(
      r.stdout,
      'Path      Type     Accessor        Description                Version\n' +
        '----      ----     --------        -----------                -------\n' +
        'token/    token    auth_token_1    token based credentials    n/a\n',
    );
    vault.on('POST', 'sys/mounts/auth/userpass/tune', { status: 204 });
    r = await runCli(['auth', 'tune', '-token-type=batch', 'userpass/'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Tuned the auth method at: userpass/\n');
    assert.deepEqual(vault.last().body, { token_type: 'batch' });
    vault.on('DELETE', 'sys/auth/userpass/', { status: 204 });
    r = await runCli(['auth', 'disable', 'userpass'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Disabled the auth method (if it existed) at: userpass/\n');
  });

  it('audit enable / list / disable', async () => {
    vault.on('PUT', 'sys/audit/file/', { status: 204 });
    let r = await runCli(['audit', 'enable', 'file', 'file_path=/var/log/audit.log'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Enabled the file audit device at: file/\n');
    assert.deepEqual(vault.last().body, { type: 'file', description: '', options: { file_path: '/var/log/audit.log' }, local: false });
    vault.on('GET', 'sys/audit', { body: { data: {} } });
    r = await runCli(['audit', 'list'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, 'No audit devices are enabled.\n');
    vault.on('DELETE', 'sys/audit/file/', { status: 204 });
    r = await runCli(['audit', 'disable', 'file'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Disabled audit device (if it was enabled) at: file/\n');
  });
});
