// Regression tests for issue 7: mount enable/tune as Vault does it
// (plugin_version checked against the catalog, max_lease_ttl above the
// system max, the "generic" type, deprecation_status of external plugins).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { installExternalKv, startPluginServer, type PluginTestServer } from '../plugins/support/external-kv.js';

async function sealAndUnseal(s: InProcessServer): Promise<void> {
  await s.core.seal.seal();
  await s.core.seal.submitUnsealKey({ key: s.unsealKey });
  assert.equal(s.core.isSealed(), false);
}

describe('issue 7: mounts', () => {
  describe('item 2: plugin_version on tune and enable is checked against the catalog', () => {
    let s: PluginTestServer;
    before(async () => {
      s = await startPluginServer();
      const sha256 = await installExternalKv(s.pluginDir, 'kv-external');
      const reg = await s.request('PUT', 'sys/plugins/catalog/secret/versioned-kv', { sha256, command: 'kv-external', version: 'v1.0.0' });
      assert.equal(reg.status, 204, JSON.stringify(reg.body));
    });
    after(async () => {
      await s.close();
    });

    for (const bad of ['../x', 'v9.9.9', 'not a version']) {
      it(`tune plugin_version="${bad}" is a 400 and the mount survives seal/unseal`, async () => {
        for (const table of ['mounts', 'auth'] as const) {
          const target = table === 'mounts' ? 'sys/mounts/secret/tune' : 'sys/auth/token/tune';
          const res = await s.request('POST', target, { plugin_version: bad });
          assert.equal(res.status, 400, `${target} ${bad}: ${JSON.stringify(res.body)}`);
        }
        const tune = await s.request('GET', 'sys/mounts/secret/tune');
        assert.equal(tune.body.data.plugin_version, '');
        await sealAndUnseal(s);
        assert.equal((await s.request('PUT', 'secret/data/after', { data: { a: 1 } })).status, 200);
      });
      it(`enable with plugin_version="${bad}" is a 400 and leaves no mount`, async () => {
        const res = await s.request('POST', 'sys/mounts/badversion', { type: 'kv', plugin_version: bad });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        const viaConfig = await s.request('POST', 'sys/auth/badversion', { type: 'userpass', config: { plugin_version: bad } });
        assert.equal(viaConfig.status, 400, JSON.stringify(viaConfig.body));
        assert.equal((await s.request('GET', 'sys/mounts/badversion')).status, 400);
      });
    }

    it('a registered version and the built-in version are accepted', async () => {
      assert.equal((await s.request('POST', 'sys/mounts/vkv', { type: 'versioned-kv', plugin_version: 'v1.0.0' })).status, 204);
      assert.equal((await s.request('POST', 'sys/mounts/vkv/tune', { plugin_version: '1.0.0' })).status, 204);
      assert.equal((await s.request('GET', 'sys/mounts/vkv/tune')).body.data.plugin_version, 'v1.0.0');
      assert.equal((await s.request('POST', 'sys/mounts/secret/tune', { plugin_version: 'v0.1.0+builtin' })).status, 204);
    });

    it('without a plugin catalog only the built-in version is accepted', async () => {
      const plain = await startInProcessServer();
      try {
        assert.equal((await plain.request('POST', 'sys/mounts/secret/tune', { plugin_version: 'v9.9.9' })).status, 400);
        assert.equal((await plain.request('POST', 'sys/mounts/secret/tune', { plugin_version: 'v0.1.0+builtin' })).status, 204);
        assert.equal((await plain.request('POST', 'sys/mounts/x', { type: 'kv', plugin_version: 'v2.0.0' })).status, 400);
      } finally {
        await plain.close();
      }
    });
  });

  describe('item 10, 15, 16', () => {
    let s: InProcessServer;
    before(async () => {
      s = await startInProcessServer({ core: { maxLeaseTtl: 3600, defaultLeaseTtl: 600 } });
    });
    after(async () => {
      await s.close();
    });

    it('item 10: max_lease_ttl above the system max is accepted on tune and enable and read back', async () => {
      const tuned = await s.request('POST', 'sys/mounts/secret/tune', { max_lease_ttl: '10h' });
      assert.equal(tuned.status, 204, JSON.stringify(tuned.body));
      assert.equal((await s.request('GET', 'sys/mounts/secret/tune')).body.data.max_lease_ttl, 36000);
      const enabled = await s.request('POST', 'sys/mounts/longttl', { type: 'kv', config: { max_lease_ttl: '20h' } });
      assert.equal(enabled.status, 204, JSON.stringify(enabled.body));
      assert.equal((await s.request('GET', 'sys/mounts')).body.data['longttl/'].config.max_lease_ttl, 72000);
      const auth = await s.request('POST', 'sys/auth/token/tune', { max_lease_ttl: '48h' });
      assert.equal(auth.status, 204);
    });

    it('item 10: the system max still caps what is issued', async () => {
      assert.equal((await s.request('POST', 'sys/auth/token/tune', { max_lease_ttl: '48h', default_lease_ttl: '24h' })).status, 204);
      const created = await s.request('POST', 'auth/token/create', { ttl: '30h' });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.ok(created.body.auth.lease_duration <= 3600, `lease ${created.body.auth.lease_duration}s exceeds the system max`);
    });

    it('item 15: type "generic" mounts the kv engine and keeps its name', async () => {
      const res = await s.request('POST', 'sys/mounts/old-generic', { type: 'generic' });
      assert.equal(res.status, 204, JSON.stringify(res.body));
      assert.equal((await s.request('POST', 'old-generic/item', { a: 'b' })).status, 204);
      assert.deepEqual((await s.request('GET', 'old-generic/item')).body.data, { a: 'b' });
      assert.equal((await s.request('GET', 'sys/mounts')).body.data['old-generic/'].type, 'generic');
    });

    it('item 2 elsewhere: listing_visibility and token_type are checked on tune and enable, as Vault', async () => {
      const vis = await s.request('POST', 'sys/mounts/secret/tune', { listing_visibility: 'sometimes' });
      assert.equal(vis.status, 400);
      assert.match(vis.body.errors[0], /listing_visibility/);
      assert.equal((await s.request('POST', 'sys/mounts/secret/tune', { listing_visibility: 'unauth' })).status, 204);
      const onSecret = await s.request('POST', 'sys/mounts/secret/tune', { token_type: 'batch' });
      assert.equal(onSecret.status, 400);
      assert.match(onSecret.body.errors[0], /only be modified on auth mounts/);
      assert.equal((await s.request('POST', 'sys/auth/token/tune', { token_type: 'weird' })).status, 400);
      assert.equal((await s.request('POST', 'sys/auth/token/tune', { token_type: 'default-batch' })).status, 400);
      assert.equal((await s.request('POST', 'sys/auth/up', { type: 'userpass', config: { token_type: 'weird' } })).status, 400);
      assert.equal((await s.request('POST', 'sys/auth/up', { type: 'userpass', config: { token_type: 'batch' } })).status, 204);
      // logins on the token mount still work after the refused tunes
      assert.equal((await s.request('POST', 'auth/token/create', {})).status, 200);
    });

    it('item 16: built-in mounts report deprecation_status', async () => {
      const mounts = (await s.request('GET', 'sys/mounts')).body.data;
      assert.equal(mounts['secret/'].deprecation_status, 'supported');
    });
  });

  it('item 16: an external plugin mount reports no deprecation_status', async () => {
    const s = await startPluginServer();
    try {
      const sha256 = await installExternalKv(s.pluginDir, 'kv-external');
      assert.equal((await s.request('PUT', 'sys/plugins/catalog/secret/ext-kv', { sha256, command: 'kv-external' })).status, 204);
      assert.equal((await s.request('POST', 'sys/mounts/ext', { type: 'ext-kv' })).status, 204);
      const entry = (await s.request('GET', 'sys/mounts')).body.data['ext/'];
      assert.equal(entry.running_sha256, sha256);
      assert.equal(Object.hasOwn(entry, 'deprecation_status'), false, JSON.stringify(entry));
      const one = (await s.request('GET', 'sys/mounts/ext')).body.data;
      assert.equal(Object.hasOwn(one, 'deprecation_status'), false);
    } finally {
      await s.close();
    }
  });
});
