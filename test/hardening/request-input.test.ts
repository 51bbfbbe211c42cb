// Regression tests for issue 7 (defects found by outside testing): request
// input that used to be misread (prototype names, booleans, status codes,
// ".." in names, wrapping tokens).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('issue 7: request input', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
  });
  after(async () => {
    await s.close();
  });

  describe('item 7: parameter names that are JavaScript built-ins', () => {
    const builtins = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];

    it('an unknown field named after an Object.prototype member is ignored with a warning, not a 400', async () => {
      for (const name of builtins) {
        const res = await s.request('POST', 'auth/token/create', JSON.stringify({ ttl: '1h', [name]: 'x' }));
        assert.equal(res.status, 200, `${name}: ${JSON.stringify(res.body)}`);
        assert.ok(
          (res.body.warnings ?? []).some((w: string) => w.includes('unrecognized parameters') && w.includes(name)),
          `${name}: ${JSON.stringify(res.body.warnings)}`,
        );
      }
    });

    it('KV v1 stores and reads back keys named after built-ins', async () => {
      assert.equal((await s.request('POST', 'sys/mounts/kv1proto', { type: 'kv', options: { version: '1' } })).status, 204);
      const body = `{"constructor":"a","toString":"b","valueOf":"c","hasOwnProperty":"d","__proto__":"e"}`;
      const put = await s.request('POST', 'kv1proto/item', body);
      assert.equal(put.status, 204, JSON.stringify(put.body));
      const got = await s.request('GET', 'kv1proto/item');
      assert.equal(got.status, 200);
      assert.deepEqual(Object.entries(got.body.data).sort(), [['__proto__', 'e'], ['constructor', 'a'], ['hasOwnProperty', 'd'], ['toString', 'b'], ['valueOf', 'c']]);
    });

    it('query parameters and key-value pairs named __proto__ stay ordinary keys', async () => {
      const res = await s.request('GET', 'kv1proto/item?__proto__=x&constructor=y');
      assert.equal(res.status, 200);
      // kvpairs (mount options) with such keys: stored, not a 500
      const mount = await s.request('POST', 'sys/mounts/kvopts', { type: 'kv', options: JSON.parse('{"version":"1","__proto__":"p","constructor":"c"}') });
      assert.equal(mount.status, 204, JSON.stringify(mount.body));
      const read = await s.request('GET', 'sys/mounts/kvopts');
      assert.equal(read.body.data.options['constructor'], 'c');
      assert.equal(Object.hasOwn(read.body.data.options, '__proto__'), true);
    });

    it('an audit device or mount type named after a prototype member is an unknown type (400)', async () => {
      for (const type of ['constructor', 'toString', '__proto__']) {
        const audit = await s.request('PUT', `sys/audit/proto-${type.replace(/_/g, '')}`, { type, options: {} });
        assert.equal(audit.status, 400, `audit ${type}: ${JSON.stringify(audit.body)}`);
        const mount = await s.request('POST', `sys/mounts/proto-${type.replace(/_/g, '')}`, { type });
        assert.equal(mount.status, 400, `mount ${type}: ${JSON.stringify(mount.body)}`);
      }
    });

    it('a header map with a __proto__ key is a map entry, not a 500', async () => {
      const res = await s.request('POST', 'sys/mounts/secret/tune', { passthrough_request_headers: ['__proto__', 'X-Custom'] });
      assert.equal(res.status, 204, JSON.stringify(res.body));
    });
  });

  describe('item 13: one boolean parser (Go ParseBool) for query and form parameters', () => {
    before(async () => {
      assert.equal((await s.request('POST', 'secret/data/bools/a', { data: { k: 'v' } })).status, 200);
    });

    for (const spelling of ['1', 't', 'T', 'true', 'TRUE', 'True']) {
      it(`?list=${spelling} lists`, async () => {
        const res = await s.request('GET', `secret/metadata/bools?list=${spelling}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(res.body.data.keys, ['a']);
      });
    }
    for (const spelling of ['0', 'f', 'F', 'false', 'FALSE', 'False']) {
      it(`?list=${spelling} reads`, async () => {
        const res = await s.request('GET', `secret/metadata/bools/a?list=${spelling}`);
        assert.equal(res.status, 200);
        assert.ok(res.body.data.versions, 'a read of the metadata, not a list');
      });
    }
    it('?list=yes is a 400', async () => {
      const res = await s.request('GET', 'secret/metadata/bools?list=yes');
      assert.equal(res.status, 400);
      assert.match(res.body.errors[0], /list/);
    });
    it('?help=True is help', async () => {
      const res = await s.request('GET', 'secret/metadata/bools?help=True');
      assert.equal(res.status, 200);
      assert.equal(typeof res.body.help, 'string');
    });
    it('form booleans take the same spellings (sys/health?standbyok=T)', async () => {
      const res = await fetch(`${s.address}/v1/sys/health?standbyok=T&perfstandbyok=F`);
      assert.equal(res.status, 200);
      const bad = await fetch(`${s.address}/v1/sys/health?standbyok=maybe`);
      assert.equal(bad.status, 400);
    });
  });

  describe('item 8: sys/health status code parameters', () => {
    for (const code of ['100', '101', '199', '600', '999']) {
      it(`activecode=${code} is refused with 400 and a final answer`, async () => {
        const res = await fetch(`${s.address}/v1/sys/health?activecode=${code}`);
        assert.equal(res.status, 400);
        const body = (await res.json()) as { errors: string[] };
        assert.match(body.errors[0]!, /200-599/);
      });
    }
    it('activecode=299 is used', async () => {
      const res = await fetch(`${s.address}/v1/sys/health?activecode=299`);
      assert.equal(res.status, 299);
    });
  });

  describe('item 6: ".." in a mount type or a reload id', () => {
    it('a mount type with ".." is a 400 with a clear message', async () => {
      const s2 = await startInProcessServer({ plugins: { directory: process.cwd() } });
      try {
        for (const type of ['../x', 'a/../../b', '..']) {
          const res = await s2.request('POST', 'sys/mounts/dots', { type });
          assert.equal(res.status, 400, `${type}: ${JSON.stringify(res.body)}`);
          assert.match(res.body.errors[0], /invalid plugin name|not found/);
          const auth = await s2.request('POST', 'sys/auth/dots', { type });
          assert.equal(auth.status, 400, `${type}: ${JSON.stringify(auth.body)}`);
        }
        const reload = await s2.request('GET', `sys/plugins/reload/backend/status?reload_id=${encodeURIComponent('../../x')}`);
        assert.equal(reload.status, 400, JSON.stringify(reload.body));
        assert.match(reload.body.errors[0], /reload_id/);
      } finally {
        await s2.close();
      }
    });
  });

  describe('item 14: a used or invalid wrapping token', () => {
    for (const op of ['unwrap', 'lookup', 'rewrap']) {
      it(`sys/wrapping/${op} with a used wrapping token as X-Vault-Token answers 400`, async () => {
        const wrapped = await s.request('POST', 'sys/wrapping/wrap', { a: 'b' }, { headers: { 'X-Vault-Wrap-TTL': '5m' } });
        const token = wrapped.body.wrap_info.token as string;
        assert.equal((await s.request('POST', 'sys/wrapping/unwrap', undefined, { token })).status, 200);
        const again = await s.request('POST', `sys/wrapping/${op}`, undefined, { token });
        assert.equal(again.status, 400, JSON.stringify(again.body));
        assert.match(again.body.errors[0], /^wrapping token is not valid or does not exist/);
        const bogus = await s.request('POST', `sys/wrapping/${op}`, undefined, { token: 'hvs.notatoken' });
        assert.equal(bogus.status, 400);
      });
    }
    it('an invalid caller token with a wrapping token in the body is still a 403', async () => {
      const res = await s.request('POST', 'sys/wrapping/unwrap', { token: 'hvs.somewrappingtoken' }, { token: 'hvs.notatoken' });
      assert.equal(res.status, 403);
    });
  });
});
