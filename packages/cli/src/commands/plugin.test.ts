import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../testing/fake-io.js';
import { FakeVault } from '../testing/fake-vault.js';

const catalog = {
  data: {
    auth: ['approle', 'userpass'],
    secret: ['kv', 'my-plugin'],
    database: [],
    detailed: [
      { name: 'approle', type: 'auth', version: 'v0.1.0+builtin', builtin: true, deprecation_status: 'supported' },
      { name: 'userpass', type: 'auth', version: 'v0.1.0+builtin', builtin: true, deprecation_status: 'supported' },
      { name: 'kv', type: 'secret', version: 'v0.1.0+builtin', builtin: true, deprecation_status: 'supported' },
      { name: 'my-plugin', type: 'secret', version: 'v1.0.0', builtin: false },
    ],
  },
};

describe('plugin commands', () => {
  const vault = new FakeVault();
  before(() => vault.start());
  after(() => vault.stop());

  it('plugin register PUTs the catalog entry', async () => {
    vault.on('PUT', 'sys/plugins/catalog/secret/my-plugin', { status: 204 });
    const r = await runCli(
      ['plugin', 'register', '-sha256=abc123', '-version=v1.0.0', '-args=--a,--b', '-env=A=1', '-env=B=x,y', '-command=my-plugin-bin', 'secret', 'my-plugin'],
      { env: vault.env() },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Success! Registered plugin: my-plugin\n');
    const req = vault.last();
    assert.equal(req.method, 'PUT');
    assert.deepEqual(req.body, {
      type: 'secret',
      command: 'my-plugin-bin',
      sha256: 'abc123',
      args: ['--a', '--b'],
      version: 'v1.0.0',
      env: ['A=1', 'B=x,y'],
    });
  });

  it('plugin register needs -sha256 and a known type', async () => {
    let r = await runCli(['plugin', 'register', 'secret', 'x'], { env: vault.env() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'SHA256 is required for all plugins, please provide -sha256\n');
    r = await runCli(['plugin', 'register', '-sha256=a', 'widget', 'x'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, '"widget" is not a supported plugin type\n');
  });

  it('plugin info prints a Key/Value table with n/a for empty values', async () => {
    vault.on('GET', 'sys/plugins/catalog/secret/my-plugin', {
      body: { data: { name: 'my-plugin', command: 'my-plugin', args: [], sha256: 'abc123', builtin: false, version: 'v1.0.0' } },
    });
    const r = await runCli(['plugin', 'info', '-version=v1.0.0', 'secret', 'my-plugin'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(vault.last().query, { version: 'v1.0.0' });
    assert.equal(
      r.stdout,
      [
        'Key                   Value',
        '---                   -----',
        'args                  []',
        'builtin               false',
        'command               my-plugin',
        'deprecation_status    n/a',
        'name                  my-plugin',
        'sha256                abc123',
        'version               v1.0.0',
        '',
      ].join('\n'),
    );
  });

  it('plugin info -field prints one value', async () => {
    const r = await runCli(['plugin', 'info', '-field=sha256', 'secret', 'my-plugin'], { env: vault.env() });
    assert.equal(r.stdout, 'abc123');
  });

  it('plugin list prints Name/Type/Version, filtered by type, or detailed', async () => {
    vault.on('GET', 'sys/plugins/catalog', { body: catalog });
    let r = await runCli(['plugin', 'list'], { env: vault.env() });
    assert.equal(
      r.stdout,
      [
        'Name         Type      Version',
        '----         ----      -------',
        'approle      auth      v0.1.0+builtin',
        'userpass     auth      v0.1.0+builtin',
        'kv           secret    v0.1.0+builtin',
        'my-plugin    secret    v1.0.0',
        '',
      ].join('\n'),
    );
    r = await runCli(['plugin', 'list', 'secret'], { env: vault.env() });
    assert.equal(r.stdout, 'Name         Version\n----         -------\nkv           v0.1.0+builtin\nmy-plugin    v1.0.0\n');
    r = await runCli(['plugin', 'list', '-detailed'], { env: vault.env() });
    assert.match(r.stdout, /^Name\s+Type\s+Version\s+Deprecation Status$/m);
    assert.match(r.stdout, /^my-plugin\s+secret\s+v1\.0\.0\s+n\/a$/m);
    r = await runCli(['plugin', 'list', '-format=json', 'auth'], { env: vault.env() });
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.auth, ['approle', 'userpass']);
    assert.equal(json.details.length, 2);
  });

  it('plugin reload by plugin name and by mounts', async () => {
    vault.on('PUT', 'sys/plugins/reload/backend', (req) => {
      const body = req.body as Record<string, unknown>;
      return body.scope === 'global' ? { body: { data: { reload_id: 'rid-1' } } } : { status: 204 };
    });
    let r = await runCli(['plugin', 'reload', '-plugin=my-plugin'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Reloaded plugin: my-plugin\n');
    assert.deepEqual(vault.last().body, { plugin: 'my-plugin' });
    r = await runCli(['plugin', 'reload', '-plugin=my-plugin', '-scope=global'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Reloading plugin: my-plugin, reload_id: rid-1\n');
    r = await runCli(['plugin', 'reload', '-mounts=a/,b/', '-scope=global'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Reloading mounts: [a/ b/], reload_id: rid-1\n');
    assert.deepEqual(vault.last().body, { scope: 'global', mounts: ['a/', 'b/'] });
    vault.on('PUT', 'sys/plugins/reload/secret/my-plugin', { status: 204 });
    r = await runCli(['plugin', 'reload', '-plugin=my-plugin', '-type=secret'], { env: vault.env() });
    assert.equal(r.code, 0);
    assert.equal(vault.last().path, '/v1/sys/plugins/reload/secret/my-plugin');
  });

  it('plugin reload validates its flags', async () => {
    let r = await runCli(['plugin', 'reload'], { env: vault.env() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'No plugins specified, must specify exactly one of -plugin or -mounts\n');
    r = await runCli(['plugin', 'reload', '-plugin=a', '-mounts=b/'], { env: vault.env() });
    assert.equal(r.stderr, 'Must specify exactly one of -plugin or -mounts\n');
    r = await runCli(['plugin', 'reload', '-plugin=a', '-scope=galaxy'], { env: vault.env() });
    assert.equal(r.stderr, 'Invalid reload scope: galaxy\n');
  });

  it('plugin reload-status prints one row per node', async () => {
    vault.on('GET', 'sys/plugins/reload/backend/status', {
      body: { data: { reload_id: 'rid-1', results: { 'node-1': { timestamp: '2024-05-01T10:11:12Z', error: '' } } } },
    });
    const r = await runCli(['plugin', 'reload-status', 'rid-1'], { env: vault.env() });
    assert.deepEqual(vault.last().query, { reload_id: 'rid-1' });
    assert.equal(r.stdout, 'Time        Participant    Success    Message\n----        -----------    -------    -------\n10:11:12    node-1         true       n/a\n');
  });

  it('plugin deregister', async () => {
    vault.on('DELETE', 'sys/plugins/catalog/secret/my-plugin', { status: 204 });
    const r = await runCli(['plugin', 'deregister', '-version=v1.0.0', 'secret', 'my-plugin'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Deregistered plugin (if it was registered): my-plugin\n');
    assert.deepEqual(vault.last().query, { version: 'v1.0.0' });
  });

  it('plugin pin / pins / unpin use sys/plugins/pins', async () => {
    vault.on('POST', 'sys/plugins/pins/secret/my-plugin', { status: 204 });
    let r = await runCli(['plugin', 'pin', '-version=v1.0.0', 'secret', 'my-plugin'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Pinned plugin my-plugin (secret) to version v1.0.0\n');
    assert.deepEqual(vault.last().body, { version: 'v1.0.0' });
    r = await runCli(['plugin', 'pin', 'secret', 'my-plugin'], { env: vault.env() });
    assert.equal(r.code, 1);
    vault.on('GET', 'sys/plugins/pins', { body: { data: { pinned_versions: [{ name: 'my-plugin', type: 'secret', version: 'v1.0.0' }] } } });
    r = await runCli(['plugin', 'pins'], { env: vault.env() });
    assert.equal(r.stdout, 'Name         Type      Version\n----         ----      -------\nmy-plugin    secret    v1.0.0\n');
    vault.on('DELETE', 'sys/plugins/pins/secret/my-plugin', { status: 204 });
    r = await runCli(['plugin', 'unpin', 'secret', 'my-plugin'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Unpinned plugin my-plugin (secret) (if it was pinned)\n');
  });
});
