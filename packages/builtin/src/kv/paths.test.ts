import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataOf, mountKv } from './testdata/mount.js';

describe('kv version 2: paths outside the API, help and OpenAPI', () => {
  it('answers 404 with a warning for version 1 style paths and for API roots', async () => {
    const { t } = await mountKv('2');
    const put = await t.write('foo', { a: 1 });
    assert.equal(put?.statusCode, 404);
    assert.match(put!.warnings![0]!, /'vault kv put'/);
    const get = await t.read('foo/bar');
    assert.equal(get?.statusCode, 404);
    assert.match(get!.warnings![0]!, /'vault kv get'/);
    const list = await t.list('data');
    assert.equal(list?.statusCode, 404);
    assert.match(list!.warnings![0]!, /'vault kv list'/);
    for (const root of ['data', 'metadata', 'delete', 'undelete', 'destroy']) {
      const resp = await t.read(root);
      assert.equal(resp?.statusCode, 404, root);
      assert.match(resp!.warnings![0]!, /root of a K\/V version 2 mount/);
    }
  });

  it('refuses operations a path does not have', async () => {
    const { t } = await mountKv('2');
    // LIST on data/ is not a thing in Vault: it lands on the invalid-path answer.
    const list = await t.request('list', 'data/foo');
    assert.equal(list?.statusCode, 404);
    assert.match(list!.warnings![0]!, /'vault kv list'/);
    await assert.rejects(t.request('delete', 'config'), (err: { status?: number }) => err.status === 405);
    await assert.rejects(t.read('delete/app'), (err: { status?: number }) => err.status === 405);
  });

  it('warns about parameters a path does not take', async () => {
    const { t } = await mountKv('2');
    const resp = await t.write('data/app', { data: { a: 1 }, extra: 1 });
    assert.deepEqual(resp?.warnings, ['Endpoint ignored these unrecognized parameters: [extra]']);
  });

  it('has help for the mount and for every path', async () => {
    const { t } = await mountKv('2');
    const root = await t.help('');
    assert.match(root, /versioned key-value store/);
    for (const path of ['^config$', '^data/', '^metadata/', '^subkeys/', '^delete/', '^undelete/', '^destroy/']) {
      assert.ok(root.includes(path), `root help lists ${path}`);
    }
    const expected: Array<[string, RegExp]> = [
      ['config', /max_versions/],
      ['data/app', /merge patch/],
      ['metadata/app', /custom_metadata/],
      ['subkeys/app', /depth/],
      ['delete/app', /undelete/],
      ['undelete/app', /Destroyed versions cannot be restored/],
      ['destroy/app', /cannot be undone/],
    ];
    for (const [path, re] of expected) {
      const help = await t.help(path);
      assert.match(help, re, path);
      assert.doesNotMatch(help, /\(no description\)/, `${path} documents every field`);
    }
  });

  it('documents every endpoint in the OpenAPI document', async () => {
    const { t } = await mountKv('2');
    const resp = await t.request('help', '');
    const openapi = dataOf(resp)['openapi'] as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.keys(openapi.paths).sort();
    for (const p of ['/config', '/data/{path}', '/metadata/{path}', '/subkeys/{path}', '/delete/{path}', '/undelete/{path}', '/destroy/{path}']) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
    assert.ok(openapi.paths['/data/{path}']!['patch'], 'data supports PATCH');
  });

  it('version 1 documents its single path', async () => {
    const { t } = await mountKv('1');
    const openapi = dataOf(await t.request('help', ''))['openapi'] as { paths: Record<string, unknown> };
    assert.ok(Object.keys(openapi.paths).includes('/{path}'));
  });
});
