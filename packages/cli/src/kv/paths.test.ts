import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../api/client.js';
import { clientOptions } from '../api/config.js';
import { FakeVault } from '../testing/fake-vault.js';
import { addPrefixToKvPath, headerForMap, joinPath, padEqualSigns, resolveKvPath, sanitizePath } from './paths.js';

describe('KV v2 path rewriting', () => {
  it('inserts the API prefix after the mount', () => {
    assert.equal(addPrefixToKvPath('secret/foo', 'secret/', 'data'), 'secret/data/foo');
    assert.equal(addPrefixToKvPath('secret/foo/bar', 'secret/', 'metadata'), 'secret/metadata/foo/bar');
    assert.equal(addPrefixToKvPath('secret', 'secret/', 'metadata'), 'secret/metadata');
    assert.equal(addPrefixToKvPath('secret/', 'secret/', 'data'), 'secret/data');
    assert.equal(addPrefixToKvPath('kv/team/app', 'kv/team/', 'data'), 'kv/team/data/app');
    assert.equal(addPrefixToKvPath('secret/foo', 'secret/', 'delete'), 'secret/delete/foo');
  });

  it('drops mount segments the user did not type', () => {
    assert.equal(addPrefixToKvPath('secret/foo', 'ns1/secret/', 'data'), 'secret/data/foo');
  });

  it('joins and sanitises like Go', () => {
    assert.equal(joinPath('secret/', 'data', 'a//b/'), 'secret/data/a/b');
    assert.equal(joinPath('', 'x'), 'x');
    assert.equal(sanitizePath(' /secret/foo/ '), 'secret/foo');
  });

  it('sizes section headers like Vault', () => {
    assert.equal(padEqualSigns('Secret Path', 'secret/data/foo'.length), '= Secret Path =');
    assert.equal(padEqualSigns('Secret Path', 'secret/data/creds'.length), '== Secret Path ==');
    assert.equal(headerForMap('Data', { foo: 1 }), '=== Data ===');
    assert.equal(headerForMap('Metadata', { custom_metadata: 1, version: 2 }), '======= Metadata =======');
  });
});

describe('resolveKvPath', () => {
  const vault = new FakeVault();
  let client: ApiClient;
  before(async () => {
    await vault.start();
    vault.kvMount('secret/', '2');
    vault.kvMount('old/', '1');
    client = new ApiClient(clientOptions(vault.env()));
  });
  after(() => vault.stop());

  it('detects KV v2 with the pre-flight request and rewrites the path', async () => {
    const kv = await resolveKvPath(client, 'secret/foo', undefined);
    assert.equal(kv.v2, true);
    assert.equal(kv.api('data'), 'secret/data/foo');
    assert.equal(vault.requests.at(-1)?.path, '/v1/sys/internal/ui/mounts/secret/foo');
  });

  it('uses -mount to find the mount', async () => {
    const kv = await resolveKvPath(client, 'foo', 'secret');
    assert.equal(kv.api('metadata'), 'secret/metadata/foo');
    assert.equal(vault.requests.at(-1)?.path, '/v1/sys/internal/ui/mounts/secret');
  });

  it('leaves KV v1 paths alone', async () => {
    const kv = await resolveKvPath(client, '/old/foo/', undefined);
    assert.equal(kv.v2, false);
    assert.equal(kv.v1Path, 'old/foo');
  });

  it('treats a server without the pre-flight endpoint as v1', async () => {
    const kv = await resolveKvPath(client, 'unknown/foo', undefined);
    assert.equal(kv.v2, false);
    assert.equal(kv.v1Path, 'unknown/foo');
  });
});
