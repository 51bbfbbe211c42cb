// The pass-through K/V engine (kv v1) over real HTTP, and its upgrade to
// version 2 by tuning the mount, as Vault's API documentation describes them.
// One suite, run against the built-in engine (test/http/kv-v1.test.ts) and
// against the same engine as an external plugin (test/plugins/kv-v1-external.test.ts).
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import type { InProcessServer } from '@coffer/server/testing/in-process-server.js';
import type { KvSuiteOptions } from './kv-v2-suite.js';

/** 768h, the in-process server's default lease TTL (Vault's default too). */
const DEFAULT_TTL = 768 * 3600;

function assertEmpty404(res: { status: number; body: unknown }): void {
  assert.equal(res.status, 404);
  assert.deepEqual(res.body, { errors: [] });
}

/**
 * Every kv v1 test, on the server `start` makes (a dev server; the suite
 * mounts kv at kv/). The server is closed when the suite ends.
 */
export function describeKvV1(title: string, start: () => Promise<InProcessServer>, suite: KvSuiteOptions = {}): void {
  describe(title, () => {
    let server: InProcessServer;
    const unused = new Set(Object.keys(suite.skip ?? {}));
    const test = (name: string, fn: () => Promise<void>): void => {
      const reason = suite.skip?.[name];
      unused.delete(name);
      nodeTest(name, reason ? { skip: reason } : {}, fn);
    };

    before(async () => {
      server = await start();
      // "kv" without a version option is version 1, as in Vault.
      const res = await server.request('POST', 'sys/mounts/kv', { type: 'kv' });
      assert.equal(res.status, 204);
    });

    after(async () => {
      await server?.close();
    });

    describe('kv v1', () => {
      test('a write answers 204 with no body', async () => {
        const res = await server.request('POST', 'kv/app/config', { user: 'admin', password: 's3cr3t', port: 5432 });
        assert.equal(res.status, 204);
        assert.equal(res.body, null);
      });

      test('a read returns exactly the fields written, with the mount\'s default TTL as a hint and no lease', async () => {
        const res = await server.request('GET', 'kv/app/config');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.data, { user: 'admin', password: 's3cr3t', port: 5432 });
        assert.equal(res.body.lease_duration, DEFAULT_TTL);
        assert.equal(res.body.lease_id, '');
        assert.equal(res.body.renewable, false);
        assert.equal(res.body.mount_type, 'kv');
      });

      test('a "ttl" field becomes the lease duration and stays in the data', async () => {
        await server.request('POST', 'kv/with-ttl', { value: 'x', ttl: '30m' });
        const res = await server.request('GET', 'kv/with-ttl');
        assert.equal(res.body.lease_duration, 1800);
        assert.deepEqual(res.body.data, { value: 'x', ttl: '30m' });
        assert.equal(res.body.lease_id, '');
      });

      test('a second write replaces the secret as a whole', async () => {
        await server.request('PUT', 'kv/replace', { a: '1', b: '2' });
        await server.request('PUT', 'kv/replace', { c: '3' });
        assert.deepEqual((await server.request('GET', 'kv/replace')).body.data, { c: '3' });
      });

      test('PATCH is not a version 1 operation: 405, and the secret is unchanged (the CLI falls back on it)', async () => {
        await server.request('POST', 'kv/patchme', { a: '1' });
        const res = await server.request('PATCH', 'kv/patchme', { a: '2' });
        assert.equal(res.status, 405);
        assert.equal(res.body.errors.length, 1);
        assert.deepEqual((await server.request('GET', 'kv/patchme')).body.data, { a: '1' });
      });

      test('a missing secret is a 404 with an empty error list', async () => {
        assertEmpty404(await server.request('GET', 'kv/absent'));
        assertEmpty404(await server.request('GET', 'kv/app/absent'));
      });

      test('a write with no fields is a 400', async () => {
        const res = await server.request('POST', 'kv/empty', {});
        assert.equal(res.status, 400);
        assert.equal(res.body.errors.length, 1);
        assertEmpty404(await server.request('GET', 'kv/empty'));
      });

      test('LIST and GET ?list=true show keys and folders', async () => {
        await server.request('POST', 'kv/list/a', { v: 1 });
        await server.request('POST', 'kv/list/b', { v: 1 });
        await server.request('POST', 'kv/list/sub/c', { v: 1 });
        const list = await server.request('LIST', 'kv/list');
        assert.equal(list.status, 200);
        assert.deepEqual(list.body.data.keys, ['a', 'b', 'sub/']);
        const viaGet = await server.request('GET', 'kv/list/?list=true');
        assert.deepEqual(viaGet.body.data.keys, ['a', 'b', 'sub/']);
        assert.deepEqual((await server.request('LIST', 'kv/list/sub')).body.data.keys, ['c']);
        const root = await server.request('LIST', 'kv/');
        assert.ok(root.body.data.keys.includes('list/') && root.body.data.keys.includes('app/'), JSON.stringify(root.body.data.keys));
      });

      test('LIST of an empty or missing folder is a 404 with an empty error list', async () => {
        assertEmpty404(await server.request('LIST', 'kv/no-such-folder'));
      });

      test('DELETE answers 204 and the secret is gone (deleting again is still 204)', async () => {
        await server.request('POST', 'kv/doomed', { v: 1 });
        assert.equal((await server.request('DELETE', 'kv/doomed')).status, 204);
        assertEmpty404(await server.request('GET', 'kv/doomed'));
        assert.equal((await server.request('DELETE', 'kv/doomed')).status, 204);
      });

      test('a folder disappears from the list when its last secret is deleted', async () => {
        await server.request('POST', 'kv/tmpdir/only', { v: 1 });
        assert.ok((await server.request('LIST', 'kv/')).body.data.keys.includes('tmpdir/'));
        await server.request('DELETE', 'kv/tmpdir/only');
        assert.ok(!(await server.request('LIST', 'kv/')).body.data.keys.includes('tmpdir/'));
      });

      test('the mount shows type kv and no version 2 option', async () => {
        const res = await server.request('GET', 'sys/mounts/kv');
        assert.equal(res.body.data.type, 'kv');
        assert.notEqual(res.body.data.options?.version, '2');
      });

      test('a tuned default_lease_ttl is the TTL hint of reads', async () => {
        await server.request('POST', 'sys/mounts/kvttl', { type: 'kv', config: { default_lease_ttl: '1h' } });
        await server.request('POST', 'kvttl/s', { v: 1 });
        assert.equal((await server.request('GET', 'kvttl/s')).body.lease_duration, 3600);
        await server.request('POST', 'sys/mounts/kvttl/tune', { default_lease_ttl: '2h' });
        assert.equal((await server.request('GET', 'kvttl/s')).body.lease_duration, 7200);
      });

      async function checkVersionOne(path: string, body: Record<string, unknown>): Promise<void> {
        assert.equal((await server.request('POST', `sys/mounts/${path}`, body)).status, 204, path);
        assert.equal((await server.request('POST', `${path}/plain`, { v: 'one' })).status, 204, path);
        assert.deepEqual((await server.request('GET', `${path}/plain`)).body.data, { v: 'one' }, path);
        const mount = await server.request('GET', `sys/mounts/${path}`);
        assert.equal(mount.body.data.type, 'kv', path);
        assert.equal(mount.body.data.options.version, '1', path);
      }

      test('options version=1 is version 1', async () => {
        await checkVersionOne('kvexplicit1', { type: 'kv', options: { version: '1' } });
      });

      // Vault aliases "kv-v1" as it does "kv-v2"; the alias lives in sys/paths-mounts.ts (not this suite's owner).
      test('type "kv-v1" enables kv with version 1', async () => {
        await checkVersionOne('kvalias1', { type: 'kv-v1' });
      });
    });

    describe('upgrading kv v1 to v2 by tuning the mount', () => {
      before(async () => {
        assert.equal((await server.request('POST', 'sys/mounts/up', { type: 'kv' })).status, 204);
        await server.request('POST', 'up/top', { a: '1' });
        await server.request('POST', 'up/dir/nested', { b: '2', n: 3 });
        await server.request('POST', 'up/dir/deeper/leaf', { c: 'x' });
      });

      test('tune options version=2 switches the mount to version 2', async () => {
        const res = await server.request('POST', 'sys/mounts/up/tune', { options: { version: '2' } });
        assert.ok(res.status === 200 || res.status === 204, `status ${res.status}`);
        const tuned = await server.request('GET', 'sys/mounts/up/tune');
        assert.equal(tuned.body.data.options.version, '2');
        assert.equal((await server.request('GET', 'sys/mounts/up')).body.data.options.version, '2');
      });

      test('every secret is kept, as version 1 of the same path', async () => {
        const top = await server.request('GET', 'up/data/top');
        assert.equal(top.status, 200);
        assert.deepEqual(top.body.data.data, { a: '1' });
        assert.equal(top.body.data.metadata.version, 1);
        assert.deepEqual((await server.request('GET', 'up/data/dir/nested')).body.data.data, { b: '2', n: 3 });
        assert.deepEqual((await server.request('GET', 'up/data/dir/deeper/leaf')).body.data.data, { c: 'x' });
        const meta = await server.request('GET', 'up/metadata/dir/nested');
        assert.equal(meta.body.data.current_version, 1);
      });

      test('lists go through metadata/ and show the same tree', async () => {
        assert.deepEqual((await server.request('LIST', 'up/metadata')).body.data.keys, ['dir/', 'top']);
        assert.deepEqual((await server.request('LIST', 'up/metadata/dir')).body.data.keys, ['deeper/', 'nested']);
      });

      test('the old version 1 paths no longer serve data', async () => {
        const res = await server.request('GET', 'up/top');
        assert.equal(res.status, 404);
        assert.equal(res.body.data ?? null, null);
        assert.ok(!JSON.stringify(res.body).includes('"a":"1"'));
      });

      test('new versions can be written on top of the upgraded ones', async () => {
        const w = await server.request('POST', 'up/data/top', { data: { a: '2' }, options: { cas: 1 } });
        assert.equal(w.status, 200);
        assert.equal(w.body.data.version, 2);
        assert.deepEqual((await server.request('GET', 'up/data/top?version=1')).body.data.data, { a: '1' });
      });

      test('a downgrade to version 1 or an unknown version is refused, and nothing about the mount changes', async () => {
        const down = await server.request('POST', 'sys/mounts/up/tune', { options: { version: '1' } });
        assert.equal(down.status, 400);
        const unknown = await server.request('POST', 'sys/mounts/up/tune', { options: { version: '3' } });
        assert.equal(unknown.status, 400);
        assert.equal((await server.request('GET', 'sys/mounts/up/tune')).body.data.options.version, '2');
        assert.deepEqual((await server.request('GET', 'up/data/dir/nested')).body.data.data, { b: '2', n: 3 });
      });

      test('the upgraded data survives a seal and unseal', async () => {
        await server.core.seal.seal();
        await server.core.seal.submitUnsealKey({ key: server.unsealKey });
        assert.equal(server.core.isSealed(), false);
        assert.deepEqual((await server.request('GET', 'up/data/dir/deeper/leaf')).body.data.data, { c: 'x' });
        assert.deepEqual((await server.request('GET', 'up/data/top')).body.data.data, { a: '2' });
        assert.deepEqual((await server.request('GET', 'kv/app/config')).body.data.user, 'admin');
      });
    });

    suite.extra?.(() => server);
    assert.deepEqual([...unused], [], 'skip names a test that does not exist');
  });
}
