import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../testing/fake-io.js';
import { FakeVault } from '../testing/fake-vault.js';

const metadata = {
  created_time: '2024-01-01T00:00:00Z',
  custom_metadata: null,
  deletion_time: '',
  destroyed: false,
  version: 1,
};

describe('kv commands against KV v2', () => {
  const vault = new FakeVault();
  before(async () => {
    await vault.start();
    vault.kvMount('secret/', '2');
  });
  after(() => vault.stop());

  it('kv put writes {data, options} to secret/data/foo and prints the metadata', async () => {
    vault.on('PUT', 'secret/data/foo', { body: { data: metadata } });
    const r = await runCli(['kv', 'put', 'secret/foo', 'foo=bar', 'n=1'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    const req = vault.last();
    assert.equal(req.method, 'PUT');
    assert.equal(req.path, '/v1/secret/data/foo');
    assert.deepEqual(req.body, { data: { foo: 'bar', n: '1' }, options: {} });
    assert.equal(
      r.stdout,
      [
        '= Secret Path =',
        'secret/data/foo',
        '',
        '======= Metadata =======',
        'Key                Value',
        '---                -----',
        'created_time       2024-01-01T00:00:00Z',
        'custom_metadata    <nil>',
        'deletion_time      n/a',
        'destroyed          false',
        'version            1',
        '',
      ].join('\n'),
    );
  });

  it('kv put -mount -cas, values from files and stdin', async () => {
    vault.on('PUT', 'secret/data/foo', { body: { data: metadata } });
    const dir = tempDir();
    writeFileSync(join(dir, 'cert.pem'), 'PEM DATA\n');
    const r = await runCli(['kv', 'put', '-mount=secret', '-cas=0', 'foo', 'cert=@cert.pem', 'pw=-'], {
      env: vault.env(),
      cwd: dir,
      stdin: 'from-stdin',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(vault.last().body, { data: { cert: 'PEM DATA\n', pw: 'from-stdin' }, options: { cas: 0 } });
    assert.equal(vault.requests.find((q) => q.path.startsWith('/v1/sys/internal/ui/mounts/') && q.path.endsWith('/secret'))?.method, 'GET');
  });

  it('kv put without data is a usage error', async () => {
    const r = await runCli(['kv', 'put', 'secret/foo'], { env: vault.env() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Must supply data\n');
  });

  it('kv get reads secret/data/foo and prints metadata and data sections', async () => {
    vault.on('GET', 'secret/data/foo', { body: { data: { data: { foo: 'bar' }, metadata } } });
    const r = await runCli(['kv', 'get', 'secret/foo'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(vault.last().path, '/v1/secret/data/foo');
    assert.ok(r.stdout.startsWith('= Secret Path =\nsecret/data/foo\n\n======= Metadata =======\n'));
    assert.ok(r.stdout.endsWith('\n=== Data ===\nKey    Value\n---    -----\nfoo    bar\n'), r.stdout);
  });

  it('kv get -version sends the version and -field prints the raw value', async () => {
    vault.on('GET', 'secret/data/foo', { body: { data: { data: { foo: 'bar' }, metadata } } });
    const r = await runCli(['kv', 'get', '-version=3', '-field=foo', 'secret/foo'], { env: vault.env() });
    assert.equal(r.code, 0);
    assert.deepEqual(vault.last().query, { version: '3' });
    assert.equal(r.stdout, 'bar');
  });

  it('kv get -format=json prints the whole response envelope', async () => {
    vault.on('GET', 'secret/data/foo', { body: { request_id: 'abc', data: { data: { foo: 'bar' }, metadata } } });
    const r = await runCli(['kv', 'get', '-format=json', 'secret/foo'], { env: vault.env() });
    const parsed = JSON.parse(r.stdout);
    assert.equal(parsed.request_id, 'abc');
    assert.deepEqual(parsed.data.data, { foo: 'bar' });
  });

  it('kv get of a missing key exits 2', async () => {
    const r = await runCli(['kv', 'get', 'secret/missing'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'No value found at secret/data/missing\n');
  });

  it('kv patch sends a JSON merge patch', async () => {
    vault.on('PATCH', 'secret/data/foo', { body: { data: { ...metadata, version: 2 } } });
    const r = await runCli(['kv', 'patch', '-remove-data=old', 'secret/foo', 'new=1'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    const req = vault.last();
    assert.equal(req.method, 'PATCH');
    assert.equal(req.headers['content-type'], 'application/merge-patch+json');
    assert.deepEqual(req.body, { data: { new: '1', old: null }, options: {} });
  });

  it('kv patch falls back to read-then-write when PATCH is not allowed', async () => {
    vault.on('PATCH', 'secret/data/foo', { status: 405, body: { errors: ['unsupported operation'] } });
    vault.on('GET', 'secret/data/foo', { body: { data: { data: { a: '1', b: '2' }, metadata: { ...metadata, version: 7 } } } });
    vault.on('PUT', 'secret/data/foo', { body: { data: { ...metadata, version: 8 } } });
    const r = await runCli(['kv', 'patch', 'secret/foo', 'b=3'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(vault.last().body, { data: { a: '1', b: '3' }, options: { cas: 7 } });
  });

  it('kv list lists secret/metadata/<path>', async () => {
    vault.on('GET', 'secret/metadata/app', { body: { data: { keys: ['db', 'api/'] } } });
    const r = await runCli(['kv', 'list', 'secret/app/'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(vault.last().query, { list: 'true' });
    assert.equal(r.stdout, 'Keys\n----\napi/\ndb\n');
  });

  it('kv delete with and without -versions', async () => {
    vault.on('DELETE', 'secret/data/foo', { status: 204 });
    let r = await runCli(['kv', 'delete', 'secret/foo'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Data deleted (if it existed) at: secret/data/foo\n');
    vault.on('PUT', 'secret/delete/foo', { status: 204 });
    r = await runCli(['kv', 'delete', '-versions=1,2', 'secret/foo'], { env: vault.env() });
    assert.equal(r.code, 0);
    assert.equal(vault.last().path, '/v1/secret/delete/foo');
    assert.deepEqual(vault.last().body, { versions: [1, 2] });
  });

  it('kv undelete and destroy require -versions', async () => {
    let r = await runCli(['kv', 'destroy', 'secret/foo'], { env: vault.env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No versions provided/);
    vault.on('PUT', 'secret/undelete/foo', { status: 204 });
    r = await runCli(['kv', 'undelete', '-versions=2', 'secret/foo'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Data written to: secret/undelete/foo\n');
  });

  it('kv metadata get prints the metadata and each version', async () => {
    vault.on('GET', 'secret/metadata/foo', {
      body: {
        data: {
          cas_required: false,
          current_version: 2,
          max_versions: 0,
          versions: { '2': { destroyed: false, deletion_time: '' }, '1': { destroyed: true, deletion_time: '' } },
        },
      },
    });
    const r = await runCli(['kv', 'metadata', 'get', 'secret/foo'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('== Metadata Path ==\nsecret/metadata/foo\n\n'));
    assert.ok(r.stdout.indexOf('Version 1') < r.stdout.indexOf('Version 2'));
    assert.match(r.stdout, /^current_version\s+2$/m);
  });

  it('kv metadata put sends only the given settings', async () => {
    vault.on('PUT', 'secret/metadata/foo', { status: 204 });
    const r = await runCli(
      ['kv', 'metadata', 'put', '-max-versions=5', '-delete-version-after=1h', '-custom-metadata=owner=ops', 'secret/foo'],
      { env: vault.env() },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(vault.last().body, { max_versions: 5, delete_version_after: '1h0m0s', custom_metadata: { owner: 'ops' } });
    assert.equal(r.stdout, 'Success! Data written to: secret/metadata/foo\n');
  });

  it('kv rollback writes the old version with check-and-set', async () => {
    vault.on('GET', 'secret/data/foo', (req) =>
      req.query.version === '1'
        ? { body: { data: { data: { v: 'old' }, metadata: { ...metadata, version: 1 } } } }
        : { body: { data: { data: { v: 'new' }, metadata: { ...metadata, version: 4 } } } },
    );
    vault.on('PUT', 'secret/data/foo', { body: { data: { ...metadata, version: 5 } } });
    const r = await runCli(['kv', 'rollback', '-version=1', 'secret/foo'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(vault.last().body, { data: { v: 'old' }, options: { cas: 4 } });
  });
});

describe('kv commands against KV v1', () => {
  const vault = new FakeVault();
  before(async () => {
    await vault.start();
    vault.kvMount('kv/', '1');
  });
  after(() => vault.stop());

  it('kv put writes the data as is and kv get prints a Data section', async () => {
    vault.on('PUT', 'kv/foo', { status: 204 });
    let r = await runCli(['kv', 'put', 'kv/foo', 'a=b'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Data written to: kv/foo\n');
    assert.deepEqual(vault.last().body, { a: 'b' });
    vault.on('GET', 'kv/foo', { body: { lease_duration: 2764800, data: { a: 'b' } } });
    r = await runCli(['kv', 'get', 'kv/foo'], { env: vault.env() });
    // A one-letter key makes the header narrow, exactly as Vault sizes it.
    assert.equal(r.stdout, '== Data ==\nKey    Value\n---    -----\na      b\n');
  });

  it('kv metadata is refused on v1', async () => {
    const r = await runCli(['kv', 'metadata', 'get', 'kv/foo'], { env: vault.env() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Metadata not supported on KV Version 1\n');
  });
});
