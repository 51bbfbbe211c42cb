// The versioned K/V engine (kv v2) over real HTTP, against Vault's API
// documentation: every endpoint, its status codes and its JSON shapes.
// One suite, run against the built-in engine (test/http/kv-v2.test.ts) and
// against the same engine as an external plugin (test/plugins/kv-v2-external.test.ts).
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { InProcessServer } from '@coffer/server/testing/in-process-server.js';

const MERGE_PATCH = { 'Content-Type': 'application/merge-patch+json' };
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Vault's 404 for "nothing there": an empty error list and nothing else. */
function assertEmpty404(res: { status: number; body: unknown }): void {
  assert.equal(res.status, 404);
  assert.deepEqual(res.body, { errors: [] });
}

function assertVersionMetadata(meta: Record<string, unknown>, version: number): void {
  assert.deepEqual(Object.keys(meta).sort(), ['created_time', 'custom_metadata', 'deletion_time', 'destroyed', 'version']);
  assert.equal(meta['version'], version);
  assert.match(String(meta['created_time']), RFC3339);
  assert.equal(meta['destroyed'], false);
}

export interface KvSuiteOptions {
  /** Tests that cannot apply to this run: test name → the reason, shown as the skip message. */
  skip?: Record<string, string>;
  /** More tests, run last on the same server. */
  extra?: (server: () => InProcessServer) => void;
}

/**
 * Every kv v2 test, on the server `start` makes (a dev server: kv v2 at
 * secret/). The server is closed when the suite ends.
 */
export function describeKvV2(title: string, start: () => Promise<InProcessServer>, suite: KvSuiteOptions = {}): void {
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
    });

    after(async () => {
      await server?.close();
    });

    /** A fresh kv v2 mount per test group, so that config changes do not leak between tests. */
    async function mountKv2(path: string): Promise<void> {
      const res = await server.request('POST', `sys/mounts/${path}`, { type: 'kv', options: { version: '2' } });
      assert.equal(res.status, 204, JSON.stringify(res.body));
    }

    async function put(path: string, data: Record<string, unknown>, options?: Record<string, unknown>) {
      return server.request('POST', path, options ? { data, options } : { data });
    }

    /** A request whose headers are exactly the ones given (fetch always adds a Content-Type to a string body). */
    function rawRequest(method: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: any }> {
      return new Promise((resolve, reject) => {
        const req = http.request(`${server.address}/v1/${path}`, { method, headers: { 'X-Vault-Token': server.rootToken, 'Content-Length': Buffer.byteLength(body), ...headers } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
        });
        req.on('error', reject);
        req.end(body);
      });
    }

    describe('kv v2 config', () => {
      before(() => mountKv2('cfg'));

      test('reads the defaults', async () => {
        const res = await server.request('GET', 'cfg/config');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.data, { cas_required: false, delete_version_after: '0s', max_versions: 0 });
        assert.equal(res.body.mount_type, 'kv');
      });

      test('writes with 204 and reads back, durations rendered as Go does', async () => {
        const w = await server.request('POST', 'cfg/config', { max_versions: 7, cas_required: true, delete_version_after: '3h30m' });
        assert.equal(w.status, 204);
        assert.equal(w.body, null);
        const res = await server.request('GET', 'cfg/config');
        assert.deepEqual(res.body.data, { cas_required: true, delete_version_after: '3h30m0s', max_versions: 7 });
      });

      test('cas_required on the mount refuses a write without cas and accepts one with it', async () => {
        await server.request('POST', 'cfg/config', { cas_required: true, delete_version_after: '0s' });
        const refused = await put('cfg/data/k', { a: '1' });
        assert.equal(refused.status, 400);
        assert.deepEqual(refused.body, { errors: ['check-and-set parameter required for this call'] });
        const ok = await put('cfg/data/k', { a: '1' }, { cas: 0 });
        assert.equal(ok.status, 200);
        assert.equal(ok.body.data.version, 1);
        await server.request('POST', 'cfg/config', { cas_required: false });
      });

      test('a negative max_versions is a 400', async () => {
        const res = await server.request('POST', 'cfg/config', { max_versions: -1 });
        assert.equal(res.status, 400);
        assert.equal(res.body.errors.length, 1);
      });
    });

    describe('kv v2 data', () => {
      before(() => mountKv2('data2'));

      test('a write answers 200 with the new version\'s metadata', async () => {
        const res = await put('data2/data/app/db', { user: 'admin', password: 'p1' });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'application/json');
        assertVersionMetadata(res.body.data, 1);
        assert.equal(res.body.data.deletion_time, '');
        assert.equal(res.body.data.custom_metadata, null);
        assert.equal(res.body.lease_id, '');
        assert.equal(res.body.lease_duration, 0);
        assert.equal(res.body.renewable, false);
        assert.match(res.body.request_id, /^[0-9a-f-]{36}$/);
      });

      test('a read returns the data and metadata of the current version', async () => {
        await put('data2/data/r', { v: 'one' });
        await put('data2/data/r', { v: 'two', n: 2, nested: { deep: [1, 'x'] } });
        const res = await server.request('GET', 'data2/data/r');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.data.data, { v: 'two', n: 2, nested: { deep: [1, 'x'] } });
        assertVersionMetadata(res.body.data.metadata, 2);
        assert.deepEqual(Object.keys(res.body).sort(), ['auth', 'data', 'lease_duration', 'lease_id', 'mount_type', 'renewable', 'request_id', 'warnings', 'wrap_info']);
      });

      test('?version=N reads an older version; a version that never existed is a 404', async () => {
        const v1 = await server.request('GET', 'data2/data/r?version=1');
        assert.equal(v1.status, 200);
        assert.deepEqual(v1.body.data.data, { v: 'one' });
        assert.equal(v1.body.data.metadata.version, 1);
        assertEmpty404(await server.request('GET', 'data2/data/r?version=9'));
      });

      test('a secret that does not exist is a 404 with an empty error list', async () => {
        assertEmpty404(await server.request('GET', 'data2/data/missing'));
        assertEmpty404(await server.request('GET', 'data2/data/no/such/folder/key'));
      });

      test('check-and-set: cas 0 creates only, cas N must match the current version', async () => {
        const created = await put('data2/data/cas', { a: '1' }, { cas: 0 });
        assert.equal(created.status, 200);
        assert.equal(created.body.data.version, 1);

        const again = await put('data2/data/cas', { a: '2' }, { cas: 0 });
        assert.equal(again.status, 400);
        assert.deepEqual(again.body, { errors: ['check-and-set parameter did not match the current version'] });

        const stale = await put('data2/data/cas', { a: '2' }, { cas: 5 });
        assert.equal(stale.status, 400);

        const ok = await put('data2/data/cas', { a: '2' }, { cas: 1 });
        assert.equal(ok.status, 200);
        assert.equal(ok.body.data.version, 2);
        const read = await server.request('GET', 'data2/data/cas');
        assert.deepEqual(read.body.data.data, { a: '2' });
      });

      test('cas_required on a key (metadata) is enforced on that key only', async () => {
        await put('data2/data/guarded', { a: '1' });
        assert.equal((await server.request('POST', 'data2/metadata/guarded', { cas_required: true })).status, 204);
        assert.equal((await put('data2/data/guarded', { a: '2' })).status, 400);
        assert.equal((await put('data2/data/guarded', { a: '2' }, { cas: 1 })).status, 200);
        assert.equal((await put('data2/data/unguarded', { a: '2' })).status, 200);
      });

      test('a write with no data is a 400', async () => {
        const res = await server.request('POST', 'data2/data/nodata', { options: {} });
        assert.equal(res.status, 400);
        assert.equal(res.body.errors.length, 1);
      });

      test('a write to a path ending in "/" is refused', async () => {
        const res = await put('data2/data/folder/', { a: '1' });
        assert.equal(res.status, 400);
        assert.deepEqual(res.body, { errors: ["cannot write to a path ending in '/'"] });
        assertEmpty404(await server.request('GET', 'data2/data/folder'));
      });

      test('PUT works like POST', async () => {
        const res = await server.request('PUT', 'data2/data/put', { data: { via: 'put' } });
        assert.equal(res.status, 200);
        assert.equal((await server.request('GET', 'data2/data/put')).body.data.data.via, 'put');
      });
    });

    describe('kv v2 PATCH', () => {
      before(async () => {
        await mountKv2('patch2');
        await put('patch2/data/p', { keep: 'k', change: 'old', remove: 'gone', nested: { a: 1, b: 2 } });
      });

      test('a JSON merge patch makes a new version: values change, null removes, objects merge', async () => {
        const res = await server.request('PATCH', 'patch2/data/p', { data: { change: 'new', remove: null, nested: { b: null, c: 3 }, added: true } }, { headers: MERGE_PATCH });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assertVersionMetadata(res.body.data, 2);
        const read = await server.request('GET', 'patch2/data/p');
        assert.deepEqual(read.body.data.data, { keep: 'k', change: 'new', nested: { a: 1, c: 3 }, added: true });
        assert.equal(read.body.data.metadata.version, 2);
      });

      test('a Content-Type with parameters is still a merge patch', async () => {
        const res = await server.request('PATCH', 'patch2/data/p', { data: { charset: 'ok' } }, { headers: { 'Content-Type': 'application/merge-patch+json; charset=utf-8' } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      });

      test('another Content-Type is refused with 415 and changes nothing', async () => {
        const before = (await server.request('GET', 'patch2/data/p')).body.data.metadata.version;
        for (const type of ['application/json', 'text/plain', 'application/json-patch+json']) {
          const res = await server.request('PATCH', 'patch2/data/p', { data: { change: 'refused' } }, { headers: { 'Content-Type': type } });
          assert.equal(res.status, 415, type);
          assert.equal(res.body.errors.length, 1);
          assert.match(res.body.errors[0], /application\/merge-patch\+json/);
        }
        const read = await server.request('GET', 'patch2/data/p');
        assert.equal(read.body.data.metadata.version, before);
        assert.notEqual(read.body.data.data.change, 'refused');
      });

      test('a PATCH with no Content-Type at all is a 400', async () => {
        const res = await rawRequest('PATCH', 'patch2/data/p', {}, JSON.stringify({ data: { change: 'refused' } }));
        assert.equal(res.status, 400);
        assert.equal(res.body.errors.length, 1);
        assert.notEqual((await server.request('GET', 'patch2/data/p')).body.data.data.change, 'refused');
      });

      test('the 415 comes before authentication', async () => {
        const res = await server.request('PATCH', 'patch2/data/p', { data: {} }, { token: null, headers: { 'Content-Type': 'application/json' } });
        assert.equal(res.status, 415);
      });

      test('patching a secret that does not exist is a 404 with an empty error list', async () => {
        assertEmpty404(await server.request('PATCH', 'patch2/data/absent', { data: { a: 1 } }, { headers: MERGE_PATCH }));
        assertEmpty404(await server.request('GET', 'patch2/data/absent'));
      });

      test('patch honours cas', async () => {
        const current = (await server.request('GET', 'patch2/data/p')).body.data.metadata.version as number;
        const stale = await server.request('PATCH', 'patch2/data/p', { data: { x: 1 }, options: { cas: current - 1 } }, { headers: MERGE_PATCH });
        assert.equal(stale.status, 400);
        const ok = await server.request('PATCH', 'patch2/data/p', { data: { x: 1 }, options: { cas: current } }, { headers: MERGE_PATCH });
        assert.equal(ok.status, 200);
        assert.equal(ok.body.data.version, current + 1);
      });

      test('patching a soft-deleted current version is a 404', async () => {
        await put('patch2/data/deleted', { a: '1' });
        assert.equal((await server.request('DELETE', 'patch2/data/deleted')).status, 204);
        const res = await server.request('PATCH', 'patch2/data/deleted', { data: { a: '2' } }, { headers: MERGE_PATCH });
        assert.equal(res.status, 404);
        const meta = await server.request('GET', 'patch2/metadata/deleted');
        assert.equal(meta.body.data.current_version, 1);
      });

      test('metadata PATCH merges custom_metadata and leaves other settings alone', async () => {
        await server.request('POST', 'patch2/metadata/p', { max_versions: 4, custom_metadata: { owner: 'alice', team: 'blue' } });
        const res = await server.request('PATCH', 'patch2/metadata/p', { custom_metadata: { team: null, env: 'prod' } }, { headers: MERGE_PATCH });
        assert.equal(res.status, 204);
        const meta = await server.request('GET', 'patch2/metadata/p');
        assert.deepEqual(meta.body.data.custom_metadata, { owner: 'alice', env: 'prod' });
        assert.equal(meta.body.data.max_versions, 4);
        const wrongType = await server.request('PATCH', 'patch2/metadata/p', { max_versions: 1 }, { headers: { 'Content-Type': 'application/json' } });
        assert.equal(wrongType.status, 415);
        assertEmpty404(await server.request('PATCH', 'patch2/metadata/never-written', { max_versions: 1 }, { headers: MERGE_PATCH }));
      });
    });

    describe('kv v2 delete, undelete, destroy', () => {
      before(async () => {
        await mountKv2('del2');
        for (let i = 1; i <= 3; i++) await put('del2/data/s', { n: i });
      });

      test('DELETE data/ soft-deletes the current version: 404 with data null and the metadata', async () => {
        assert.equal((await server.request('DELETE', 'del2/data/s')).status, 204);
        const res = await server.request('GET', 'del2/data/s');
        assert.equal(res.status, 404);
        assert.equal(res.body.data.data, null);
        assert.equal(res.body.data.metadata.version, 3);
        assert.match(res.body.data.metadata.deletion_time, RFC3339);
        assert.equal(res.body.data.metadata.destroyed, false);
        // Older versions are still readable.
        assert.deepEqual((await server.request('GET', 'del2/data/s?version=2')).body.data.data, { n: 2 });
      });

      test('undelete/ restores versions', async () => {
        assert.equal((await server.request('POST', 'del2/undelete/s', { versions: [3] })).status, 204);
        const res = await server.request('GET', 'del2/data/s');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.data.data, { n: 3 });
        assert.equal(res.body.data.metadata.deletion_time, '');
      });

      test('delete/ soft-deletes chosen versions', async () => {
        assert.equal((await server.request('POST', 'del2/delete/s', { versions: [1, 2] })).status, 204);
        assert.equal((await server.request('GET', 'del2/data/s?version=1')).status, 404);
        assert.equal((await server.request('GET', 'del2/data/s?version=2')).status, 404);
        assert.equal((await server.request('GET', 'del2/data/s')).status, 200);
        const meta = await server.request('GET', 'del2/metadata/s');
        assert.match(meta.body.data.versions['1'].deletion_time, RFC3339);
        assert.equal(meta.body.data.versions['3'].deletion_time, '');
      });

      test('destroy/ removes data for good: destroyed=true, undelete cannot bring it back', async () => {
        assert.equal((await server.request('POST', 'del2/destroy/s', { versions: [2] })).status, 204);
        const res = await server.request('GET', 'del2/data/s?version=2');
        assert.equal(res.status, 404);
        assert.equal(res.body.data.data, null);
        assert.equal(res.body.data.metadata.destroyed, true);
        await server.request('POST', 'del2/undelete/s', { versions: [1, 2] });
        assert.equal((await server.request('GET', 'del2/data/s?version=1')).status, 200);
        assert.equal((await server.request('GET', 'del2/data/s?version=2')).status, 404);
        const meta = await server.request('GET', 'del2/metadata/s');
        assert.equal(meta.body.data.versions['2'].destroyed, true);
      });

      test('delete/, undelete/ and destroy/ without versions are 400', async () => {
        for (const op of ['delete', 'undelete', 'destroy']) {
          const res = await server.request('POST', `del2/${op}/s`, {});
          assert.equal(res.status, 400, op);
          assert.equal(res.body.errors.length, 1);
        }
      });

      test('versions may be sent as a comma-separated string', async () => {
        await put('del2/data/csv', { a: 1 });
        await put('del2/data/csv', { a: 2 });
        assert.equal((await server.request('POST', 'del2/delete/csv', { versions: '1,2' })).status, 204);
        assert.equal((await server.request('GET', 'del2/data/csv')).status, 404);
        assert.equal((await server.request('GET', 'del2/data/csv?version=1')).status, 404);
      });
    });

    describe('kv v2 metadata', () => {
      before(() => mountKv2('meta2'));

      test('a read shows every field of Vault\'s metadata, versions by number', async () => {
        await put('meta2/data/m', { a: 1 });
        await put('meta2/data/m', { a: 2 });
        const res = await server.request('GET', 'meta2/metadata/m');
        assert.equal(res.status, 200);
        const d = res.body.data;
        assert.deepEqual(Object.keys(d).sort(), [
          'cas_required',
          'created_time',
          'current_version',
          'custom_metadata',
          'delete_version_after',
          'max_versions',
          'oldest_version',
          'updated_time',
          'versions',
        ]);
        assert.equal(d.current_version, 2);
        assert.equal(d.max_versions, 0);
        assert.equal(d.cas_required, false);
        assert.equal(d.delete_version_after, '0s');
        assert.equal(d.custom_metadata, null);
        assert.match(d.created_time, RFC3339);
        assert.match(d.updated_time, RFC3339);
        assert.deepEqual(Object.keys(d.versions).sort(), ['1', '2']);
        assert.deepEqual(Object.keys(d.versions['1']).sort(), ['created_time', 'deletion_time', 'destroyed']);
        assert.equal(d.created_time, d.versions['1'].created_time);
        assert.equal(d.updated_time, d.versions['2'].created_time);
      });

      test('custom_metadata is written, shown with every version read, and replaced by a later write', async () => {
        const w = await server.request('POST', 'meta2/metadata/m', { custom_metadata: { owner: 'ops', purpose: 'db' } });
        assert.equal(w.status, 204);
        assert.deepEqual((await server.request('GET', 'meta2/metadata/m')).body.data.custom_metadata, { owner: 'ops', purpose: 'db' });
        assert.deepEqual((await server.request('GET', 'meta2/data/m')).body.data.metadata.custom_metadata, { owner: 'ops', purpose: 'db' });
        assert.deepEqual((await put('meta2/data/m', { a: 3 })).body.data.custom_metadata, { owner: 'ops', purpose: 'db' });
        await server.request('POST', 'meta2/metadata/m', { custom_metadata: { owner: 'dev' } });
        assert.deepEqual((await server.request('GET', 'meta2/metadata/m')).body.data.custom_metadata, { owner: 'dev' });
      });

      test('custom_metadata is validated (value must be a string of at most 512 bytes)', async () => {
        const res = await server.request('POST', 'meta2/metadata/m', { custom_metadata: { big: 'x'.repeat(513) } });
        assert.equal(res.status, 400);
        assert.match(res.body.errors[0], /512/);
      });

      test('max_versions on a key keeps only the newest versions', async () => {
        assert.equal((await server.request('POST', 'meta2/metadata/mv', { max_versions: 2 })).status, 204);
        // Metadata written before any data: no version yet.
        const empty = await server.request('GET', 'meta2/metadata/mv');
        assert.equal(empty.body.data.current_version, 0);
        assert.deepEqual(empty.body.data.versions, {});
        assertEmpty404(await server.request('GET', 'meta2/data/mv'));
        for (let i = 1; i <= 4; i++) await put('meta2/data/mv', { i });
        const meta = await server.request('GET', 'meta2/metadata/mv');
        assert.equal(meta.body.data.current_version, 4);
        assert.equal(meta.body.data.oldest_version, 3);
        assert.deepEqual(Object.keys(meta.body.data.versions).sort(), ['3', '4']);
        assertEmpty404(await server.request('GET', 'meta2/data/mv?version=2'));
        assert.deepEqual((await server.request('GET', 'meta2/data/mv?version=3')).body.data.data, { i: 3 });
      });

      test('max_versions on the mount applies to every key', async () => {
        await mountKv2('meta2mount');
        await server.request('POST', 'meta2mount/config', { max_versions: 3 });
        for (let i = 1; i <= 5; i++) await put('meta2mount/data/k', { i });
        const meta = await server.request('GET', 'meta2mount/metadata/k');
        assert.deepEqual(Object.keys(meta.body.data.versions).sort(), ['3', '4', '5']);
        assert.equal(meta.body.data.oldest_version, 3);
      });

      test('delete_version_after on a key sets the deletion time of new versions', async () => {
        await server.request('POST', 'meta2/metadata/dva', { delete_version_after: '1h' });
        const w = await put('meta2/data/dva', { a: 1 });
        assert.match(w.body.data.deletion_time, RFC3339);
        const created = Date.parse(w.body.data.created_time);
        const deletion = Date.parse(w.body.data.deletion_time);
        assert.equal(Math.round((deletion - created) / 1000), 3600);
        assert.equal((await server.request('GET', 'meta2/metadata/dva')).body.data.delete_version_after, '1h0m0s');
        // Not passed yet: still readable.
        assert.equal((await server.request('GET', 'meta2/data/dva')).status, 200);
      });

      test('LIST metadata/ shows keys and folders; GET ?list=true is the same', async () => {
        await mountKv2('list2');
        await put('list2/data/a', { x: 1 });
        await put('list2/data/dir/b', { x: 1 });
        await put('list2/data/dir/sub/c', { x: 1 });
        const root = await server.request('LIST', 'list2/metadata');
        assert.equal(root.status, 200);
        assert.deepEqual(root.body.data.keys, ['a', 'dir/']);
        const rootSlash = await server.request('LIST', 'list2/metadata/');
        assert.deepEqual(rootSlash.body.data.keys, ['a', 'dir/']);
        const viaGet = await server.request('GET', 'list2/metadata/dir?list=true');
        assert.equal(viaGet.status, 200);
        assert.deepEqual(viaGet.body.data.keys, ['b', 'sub/']);
        assert.deepEqual((await server.request('LIST', 'list2/metadata/dir/sub/')).body.data.keys, ['c']);
      });

      test('LIST of a folder with nothing in it is a 404 with an empty error list', async () => {
        assertEmpty404(await server.request('LIST', 'list2/metadata/nothing-here'));
        await mountKv2('emptylist2');
        assertEmpty404(await server.request('LIST', 'emptylist2/metadata'));
      });

      test('a secret whose versions are all destroyed or deleted is still listed', async () => {
        await put('list2/data/dir/destroyed', { x: 1 });
        await server.request('POST', 'list2/destroy/dir/destroyed', { versions: [1] });
        assert.ok((await server.request('LIST', 'list2/metadata/dir')).body.data.keys.includes('destroyed'));
      });

      test('DELETE metadata/ removes the secret with every version', async () => {
        await put('list2/data/dir/doomed', { x: 1 });
        await put('list2/data/dir/doomed', { x: 2 });
        assert.equal((await server.request('DELETE', 'list2/metadata/dir/doomed')).status, 204);
        assertEmpty404(await server.request('GET', 'list2/metadata/dir/doomed'));
        assertEmpty404(await server.request('GET', 'list2/data/dir/doomed'));
        assertEmpty404(await server.request('GET', 'list2/data/dir/doomed?version=1'));
        assert.ok(!(await server.request('LIST', 'list2/metadata/dir')).body.data.keys.includes('doomed'));
        // Deleting again (nothing there) is still a 204, as in Vault.
        assert.equal((await server.request('DELETE', 'list2/metadata/dir/doomed')).status, 204);
        // A new write starts again from version 1.
        assert.equal((await put('list2/data/dir/doomed', { x: 3 })).body.data.version, 1);
      });

      test('metadata of a secret that does not exist is a 404 with an empty error list', async () => {
        assertEmpty404(await server.request('GET', 'meta2/metadata/absent'));
      });
    });

    describe('kv v2 subkeys', () => {
      before(async () => {
        await mountKv2('sub2');
        await put('sub2/data/s', { foo: 'abc', bar: { baz: 'def', deeper: { x: 1 } }, quux: {} });
        await put('sub2/data/s', { only: 'v2' });
      });

      test('subkeys/ shows the structure with every leaf as null', async () => {
        const res = await server.request('GET', 'sub2/subkeys/s?version=1');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.data.subkeys, { foo: null, bar: { baz: null, deeper: { x: null } }, quux: null });
        assert.equal(res.body.data.metadata.version, 1);
        assert.ok(!JSON.stringify(res.body).includes('abc'), 'a value leaked into subkeys');
      });

      test('depth limits how deep objects are followed', async () => {
        const res = await server.request('GET', 'sub2/subkeys/s?version=1&depth=1');
        assert.deepEqual(res.body.data.subkeys, { foo: null, bar: null, quux: null });
        const two = await server.request('GET', 'sub2/subkeys/s?version=1&depth=2');
        assert.deepEqual(two.body.data.subkeys, { foo: null, bar: { baz: null, deeper: null }, quux: null });
        const negative = await server.request('GET', 'sub2/subkeys/s?depth=-1');
        assert.equal(negative.status, 400);
        assert.equal(negative.body.errors.length, 1);
      });

      test('without version, the current version', async () => {
        const res = await server.request('GET', 'sub2/subkeys/s');
        assert.deepEqual(res.body.data.subkeys, { only: null });
        assert.equal(res.body.data.metadata.version, 2);
      });

      test('a missing secret is a 404 with an empty error list; a deleted version a 404', async () => {
        assertEmpty404(await server.request('GET', 'sub2/subkeys/absent'));
        await server.request('DELETE', 'sub2/data/s');
        const res = await server.request('GET', 'sub2/subkeys/s');
        assert.equal(res.status, 404);
      });
    });

    describe('kv v2 paths outside the API', () => {
      test('a version 1 style path answers 404 with a warning pointing at the right endpoints', async () => {
        const res = await server.request('GET', 'secret/plain-path');
        assert.equal(res.status, 404);
        assert.ok(Array.isArray(res.body.warnings) && res.body.warnings.length === 1, JSON.stringify(res.body));
        assert.match(res.body.warnings[0], /versioned/i);
        const write = await server.request('POST', 'secret/plain-path', { a: 1 });
        assert.equal(write.status, 404);
      });
    });

    describe('kv v2 mounts', () => {
      test('the dev server has kv v2 at secret/', async () => {
        const res = await server.request('GET', 'sys/mounts/secret');
        assert.equal(res.status, 200);
        assert.equal(res.body.data.type, 'kv');
        assert.deepEqual(res.body.data.options, { version: '2' });
      });

      test('type "kv-v2" enables kv with version 2', async () => {
        assert.equal((await server.request('POST', 'sys/mounts/alias2', { type: 'kv-v2' })).status, 204);
        const mount = await server.request('GET', 'sys/mounts/alias2');
        assert.equal(mount.body.data.type, 'kv');
        assert.equal(mount.body.data.options.version, '2');
        const w = await put('alias2/data/x', { a: 1 });
        assert.equal(w.status, 200);
        assert.equal(w.body.data.version, 1);
        const list = await server.request('GET', 'sys/mounts');
        assert.equal(list.body.data['alias2/'].type, 'kv');
      });

      test('disabling the mount removes its data', async () => {
        await mountKv2('gone2');
        await put('gone2/data/x', { a: 1 });
        assert.equal((await server.request('DELETE', 'sys/mounts/gone2')).status, 204);
        await mountKv2('gone2');
        assertEmpty404(await server.request('GET', 'gone2/data/x'));
      });
    });

    suite.extra?.(() => server);
    assert.deepEqual([...unused], [], 'skip names a test that does not exist');
  });
}
