// The etcd storage backend against a real etcd started for this file: the
// storage conformance suite, Txn transactions, the lease-bound HA lock and
// the watch-based change feed between two backends sharing one etcd.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { isCofferError, isTransactional, silentLogger } from '@coffer/sdk';
import { describeStorageConformance } from '@coffer/server/physical/conformance.js';
import { hasChangeFeed, isHABackend } from '@coffer/server/physical/ha.js';
import { openEtcd, type EtcdBackend, type EtcdTuning } from '@coffer/server/physical/etcd.js';
import { createPhysical } from '@coffer/server/physical/registry.js';
import { selfSignedCertificate } from '../support/certificates.js';
import { eventually } from '../support/service.js';
import { haLockContract } from './ha-lock-contract.js';
import { failWithoutEtcd, skipWithoutEtcd, startEtcdInstance, type EtcdInstance } from '../support/etcd-instance.js';

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('etcd storage', { skip: skipWithoutEtcd() }, () => {
  let etcd: EtcdInstance;
  let admin: Etcd3;
  let prefixes = 0;
  before(async () => {
    failWithoutEtcd();
    etcd = await startEtcdInstance();
    admin = new Etcd3({ hosts: etcd.endpoint });
  });
  after(async () => {
    admin?.close();
    await etcd?.stop();
  });

  const open = (config: Record<string, string> = {}, tuning: EtcdTuning = {}): Promise<EtcdBackend> =>
    openEtcd({ address: etcd.endpoint, ...config }, silentLogger, { lockRetryMs: 100, ...tuning });
  const freshPath = (): string => `/coffer-test-${++prefixes}/`;

  describeStorageConformance('etcd', async () => {
    const path = freshPath();
    const reopen = () => open({ path });
    return { storage: await reopen(), reopen, cleanup: async () => void (await admin.delete().prefix(path)) };
  });

  const withStore = (title: string, body: (s: EtcdBackend, path: string) => Promise<void>, config: Record<string, string> = {}) =>
    it(title, async () => {
      const path = freshPath();
      const s = await open({ path, ...config });
      try {
        await body(s, path);
      } finally {
        await s.close();
        await admin.delete().prefix(path);
      }
    });

  withStore('keeps its keys under `path` and sees nothing outside it', async (s, path) => {
    assert.equal(s.name, 'etcd');
    assert.ok(isTransactional(s));
    await s.put({ key: 'a/b', value: buf('mine') });
    await admin.put(`${path.slice(0, -1)}x/outside`).value('not mine');
    await admin.put(`${path}`).value('the prefix itself');
    assert.deepEqual(await admin.get(`${path}a/b`).string(), 'mine');
    assert.deepEqual(await s.list(''), ['a/']);
    await admin.delete().prefix(`${path.slice(0, -1)}x/`);
    // A path without its trailing slash means the same prefix.
    const same = await open({ path: path.slice(0, -1) });
    try {
      assert.deepEqual((await same.get('a/b'))?.value, buf('mine'));
    } finally {
      await same.close();
    }
  });

  withStore('a value larger than etcd accepts is a clear 400', async (s) => {
    // Above etcd's request limit, and above gRPC's message limit.
    for (const size of [1.8 * 1024 * 1024, 3 * 1024 * 1024]) {
      await assert.rejects(s.put({ key: 'huge', value: Buffer.alloc(size, 1) }), (err: unknown) =>
        isCofferError(err) && err.code === 'invalid_request' && err.status === 400 && /larger than etcd accepts/.test(err.message));
    }
    assert.equal(await s.get('huge'), null);
  });

  withStore('a transaction that names a key twice keeps the last operation', async (s) => {
    await s.put({ key: 't/a', value: buf('a') });
    await s.transaction([
      { op: 'put', entry: { key: 't/a', value: buf('first') } },
      { op: 'delete', key: 't/a' },
      { op: 'put', entry: { key: 't/b', value: buf('first') } },
      { op: 'put', entry: { key: 't/b', value: buf('second') } },
    ]);
    assert.equal(await s.get('t/a'), null);
    assert.deepEqual((await s.get('t/b'))?.value, buf('second'));
  });

  withStore('a transaction etcd refuses changes nothing', async (s) => {
    await s.put({ key: 't/keep', value: buf('kept') });
    // More operations than etcd allows in one Txn (--max-txn-ops, 128): etcd rejects all of it.
    const ops = Array.from({ length: 200 }, (_, i) => ({ op: 'put' as const, entry: { key: `t/n${i}`, value: buf('n') } }));
    await assert.rejects(s.transaction([{ op: 'delete', key: 't/keep' }, ...ops]), (err: unknown) =>
      isCofferError(err) && err.code === 'unavailable' && /too many operations/.test(err.message));
    assert.deepEqual(await s.list('t/'), ['keep']);
  });

  it('config: only the v3 API, endpoints checked, an unreachable etcd is a clear error', async () => {
    await assert.rejects(createPhysical('etcd', { address: etcd.endpoint, etcd_api: '2' }, silentLogger), (err: unknown) =>
      isCofferError(err) && err.code === 'invalid_request' && /only the v3 API is/.test(err.message));
    await assert.rejects(createPhysical('etcd', { address: '127.0.0.1:2379' }, silentLogger), /is not an endpoint like http/);
    await assert.rejects(createPhysical('etcd', { address: etcd.endpoint, lock_timeout: 'soon' }, silentLogger), /"lock_timeout" must be a duration/);
    await assert.rejects(createPhysical('etcd', { address: etcd.endpoint, username: 'only-user' }, silentLogger), /username and password must be set together/);
    await assert.rejects(createPhysical('etcd', { address: 'http://127.0.0.1:1', request_timeout: '1s' }, silentLogger), (err: unknown) =>
      isCofferError(err) && err.code === 'unavailable' && /cannot reach http:\/\/127\.0\.0\.1:1/.test(err.message));
    const s = await createPhysical('etcd', { address: `${etcd.endpoint},${etcd.endpoint}`, etcd_api: 'v3', path: freshPath() }, silentLogger);
    await s.put({ key: 'k', value: buf('v') });
    assert.deepEqual((await s.get('k'))?.value, buf('v'));
    await s.close();
  });

  describe('HA lock and change feed', () => {
    let path: string;
    let a: EtcdBackend;
    let b: EtcdBackend;
    before(async () => {
      path = freshPath();
      a = await open({ path, ha_enabled: 'true', lock_timeout: '2s' });
      b = await open({ path, ha_enabled: 'true', lock_timeout: '2s' });
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await admin.delete().prefix(path);
      await admin.delete().prefix(`${path.slice(0, -1)}_locks/`);
    });

    it('offers the lock only with ha_enabled, and its keys stay out of the data', async () => {
      assert.ok(isHABackend(a) && a.haEnabled && hasChangeFeed(a));
      const plain = await open({ path });
      try {
        assert.equal(plain.haEnabled, false);
        assert.throws(() => plain.lockWith('core/lock', 'x'), /ha_enabled is false/);
      } finally {
        await plain.close();
      }
      const lock = a.lockWith('core/lock', 'a');
      assert.ok(await lock.acquire(new AbortController().signal));
      assert.deepEqual(await a.list(''), []);
      assert.equal(await admin.get(`${path.slice(0, -1)}_locks/core/lock`).string(), 'a');
      await lock.release();
    });

    // A's keep-alives hold the lease (TTL 2 s) while B waits 2.5 s.
    haLockContract(() => ({ a, b, openThird: () => open({ path, ha_enabled: 'true', lock_timeout: '2s' }), outlastTtlMs: 2500 }));

    it('revoking the lease loses the lock: the held signal aborts and another node takes it', async () => {
      const lockA = a.lockWith('core/revoked', 'a');
      const heldA = await lockA.acquire(new AbortController().signal);
      assert.ok(heldA);
      const lost = new Promise<unknown>((resolve) => heldA.addEventListener('abort', () => resolve(heldA.reason), { once: true }));
      const [kv] = (await admin.kv.range({ key: Buffer.from(`${path.slice(0, -1)}_locks/core/revoked`) })).kvs;
      assert.ok(kv && kv.lease !== '0', 'the lock key is bound to a lease');
      await admin.leaseClient.leaseRevoke({ ID: kv.lease });
      assert.match(String(await lost), /deleted|revoked/);
      const heldB = await b.lockWith('core/revoked', 'b').acquire(new AbortController().signal);
      assert.ok(heldB && !heldB.aborted);
      assert.deepEqual(await lockA.holder(), { held: true, value: 'b' });
    });

    it('deleting the lock key loses the lock', async () => {
      const heldA = await a.lockWith('core/deleted', 'a').acquire(new AbortController().signal);
      assert.ok(heldA);
      const lost = new Promise<unknown>((resolve) => heldA.addEventListener('abort', () => resolve(heldA.reason), { once: true }));
      await admin.delete().key(`${path.slice(0, -1)}_locks/core/deleted`);
      assert.match(String(await lost), /deleted/);
    });

    it('a holder that cannot reach etcd for longer than the lock TTL gives the lock up', async () => {
      const heldA = await a.lockWith('core/outage', 'a').acquire(new AbortController().signal);
      assert.ok(heldA);
      const lost = new Promise<unknown>((resolve) => heldA.addEventListener('abort', () => resolve(heldA.reason), { once: true }));
      await etcd.restart(3500);
      assert.match(String(await lost), /unreachable for longer than the lock TTL|expired|revoked|deleted/);
    });

    it('a write by one node is reported to a watcher on the other', async () => {
      const changes: string[] = [];
      let gaps = 0;
      const stop = await b.watchChanges({ onChange: (key) => changes.push(key), onGap: () => void gaps++ });
      try {
        await a.put({ key: 'feed/one', value: buf('1') });
        await a.delete('feed/one');
        await a.transaction([
          { op: 'put', entry: { key: 'feed/two', value: buf('2') } },
          { op: 'put', entry: { key: 'feed/three', value: buf('3') } },
        ]);
        assert.ok(await eventually(async () => changes.length >= 4, 5000, 20), `changes: ${JSON.stringify(changes)}`);
        assert.deepEqual(changes, ['feed/one', 'feed/one', 'feed/two', 'feed/three']);
        assert.deepEqual((await b.get('feed/three'))?.value, buf('3'));
        assert.equal(gaps, 0);
      } finally {
        await stop();
      }
      await a.put({ key: 'feed/after-stop', value: buf('x') });
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(changes.includes('feed/after-stop'), false, 'a stopped watcher hears nothing');
    });

    it('a watcher reports a gap when etcd comes back after an outage, then delivers again', async () => {
      const changes: string[] = [];
      let gaps = 0;
      const stop = await b.watchChanges({ onChange: (key) => changes.push(key), onGap: () => void gaps++ });
      try {
        await etcd.restart(200);
        assert.ok(await eventually(async () => gaps >= 1, 15_000, 50), 'no gap after etcd restarted');
        await a.put({ key: 'feed/after-restart', value: buf('x') });
        assert.ok(await eventually(async () => changes.includes('feed/after-restart'), 10_000, 20));
      } finally {
        await stop();
      }
    });
  });

  describe('syncChanges: a watcher has heard every change committed before the call', () => {
    for (const method of ['progress', 'marker'] as const) {
      it(`catching up with ${method === 'progress' ? 'watch progress requests' : 'a marker write'}`, async () => {
        const path = freshPath();
        const writer = await open({ path });
        const reader = await open({ path }, { catchUp: method });
        const elsewhere = await open({ path: freshPath() });
        const heard: string[] = [];
        const stop = await reader.watchChanges({ onChange: (key) => heard.push(key), onGap: () => assert.fail('no gap expected') });
        try {
          for (let round = 0; round < 5; round++) {
            const keys = Array.from({ length: 20 }, (_, i) => `sync/${round}/${i}`);
            // Many writes at once, then at once a catch-up: without waiting, the feed would be behind.
            await Promise.all(keys.map((key) => writer.put({ key, value: buf('v') })));
            await writer.delete(keys[0]!);
            await reader.syncChanges();
            for (const key of keys) assert.ok(heard.includes(key), `round ${round}: ${key} not heard`);
            assert.equal(heard.filter((k) => k === keys[0]).length, 2, 'the delete was heard too');
          }
          // The last write of all is outside the prefix: the catch-up still completes.
          await elsewhere.put({ key: 'not/watched', value: buf('x') });
          await reader.syncChanges();
          assert.equal(heard.includes('not/watched'), false);
          assert.equal(heard.includes(''), false, 'the marker is not a change');
          // The marker (the prefix itself) is no storage key: listings and reads never show it.
          assert.equal((await reader.list('')).includes(''), false);
          assert.deepEqual(await reader.list(''), ['sync/']);
          assert.equal(await reader.get(''), null);
        } finally {
          await stop();
          for (const s of [writer, reader, elsewhere]) await s.close();
          await admin.delete().prefix(path);
        }
      });
    }

    it('concurrent catch-ups share rounds: a hundred callers cost at most two marker writes', async () => {
      const path = freshPath();
      const reader = await open({ path }, { catchUp: 'marker' });
      const stop = await reader.watchChanges({ onChange: () => undefined, onGap: () => undefined });
      try {
        await reader.syncChanges();
        const before = BigInt((await admin.get('x').exec()).header.revision);
        await Promise.all(Array.from({ length: 100 }, () => reader.syncChanges()));
        const after = BigInt((await admin.get('x').exec()).header.revision);
        assert.ok(after - before >= 1n && after - before <= 2n, `${after - before} marker writes`);
      } finally {
        await stop();
        await reader.close();
        await admin.delete().prefix(path);
      }
    });

    it('without a watcher there is nothing to catch up with', async () => {
      const path = freshPath();
      const reader = await open({ path }, { catchUp: 'marker' });
      try {
        await reader.syncChanges();
        assert.equal((await admin.get(path).exec()).kvs.length, 0, 'no marker written');
      } finally {
        await reader.close();
      }
    });

    it('a catch-up while etcd is down fails as unavailable; once etcd is back catch-ups work again', async () => {
      const path = freshPath();
      const writer = await open({ path });
      const reader = await open({ path }, { catchUp: 'progress' });
      const heard: string[] = [];
      let gaps = 0;
      const stop = await reader.watchChanges({ onChange: (key) => heard.push(key), onGap: () => void gaps++ });
      try {
        const restarted = etcd.restart(2500);
        await new Promise((r) => setTimeout(r, 500));
        await assert.rejects(reader.syncChanges(), (err: unknown) => isCofferError(err) && err.code === 'unavailable' && err.status === 503);
        await restarted;
        // A write after the outage: the catch-up has to wait for the feed's new watch.
        assert.ok(await eventually(() => writer.put({ key: 'after/outage', value: buf('x') }).then(() => true, () => false), 15_000, 100));
        assert.ok(await eventually(() => reader.syncChanges().then(() => true, () => false), 15_000, 100), 'catch-ups work again once etcd is back');
        // The write was made while the feed was away: it is covered by the gap (or heard, if the watch came back first).
        assert.ok(gaps >= 1 || heard.includes('after/outage'), 'the change made while reconnecting was neither heard nor covered by a gap');
        assert.ok(await eventually(async () => gaps >= 1, 15_000, 50), 'the reconnect was reported as a gap');
        await writer.put({ key: 'after/reconnect', value: buf('x') });
        await reader.syncChanges();
        assert.ok(heard.includes('after/reconnect'));
      } finally {
        await stop();
        for (const s of [writer, reader]) await s.close();
        await admin.delete().prefix(path);
      }
    });
  });

  it('TLS with client certificates, and etcd user authentication', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-etcd-tls-'));
    let secure: EtcdInstance | undefined;
    try {
      const { cert, key } = await selfSignedCertificate();
      const certFile = join(dir, 'etcd.crt');
      const keyFile = join(dir, 'etcd.key');
      writeFileSync(certFile, cert);
      writeFileSync(keyFile, key, { mode: 0o600 });
      // One self-signed certificate plays server, CA and client.
      secure = await startEtcdInstance({ tls: { certFile, keyFile, clientCaFile: certFile } });
      const tls = { address: secure.endpoint, tls_ca_file: certFile, tls_cert_file: certFile, tls_key_file: keyFile, request_timeout: '2s' };

      const s = await openEtcd({ ...tls, path: '/tls/' }, silentLogger);
      await s.put({ key: 'over/tls', value: buf('yes') });
      assert.deepEqual(await s.list('over/'), ['tls']);
      await s.close();
      await assert.rejects(openEtcd({ address: secure.endpoint, tls_ca_file: certFile, request_timeout: '2s' }, silentLogger), /cannot reach/,
        'without a client certificate etcd refuses the connection');

      const root = new Etcd3({ hosts: secure.endpoint, credentials: { rootCertificate: Buffer.from(cert), certChain: Buffer.from(cert), privateKey: Buffer.from(key) } });
      try {
        await root.role('root').create();
        await root.user('root').create('root-pw');
        await root.user('root').addRole('root');
        await root.user('coffer').create('coffer-pw');
        await root.role('coffer').create();
        await root.role('coffer').grant({ permission: 'Readwrite', range: root.range({ prefix: '/auth/' }) });
        await root.user('coffer').addRole('coffer');
        await root.auth.authEnable();
      } finally {
        root.close();
      }
      const authed = await openEtcd({ ...tls, path: '/auth/', username: 'coffer', password: 'coffer-pw' }, silentLogger);
      await authed.put({ key: 'k', value: buf('authenticated') });
      assert.deepEqual((await authed.get('k'))?.value, buf('authenticated'));
      // A catch-up by a user with rights on the prefix only (reading the etcd version, then the catch-up itself).
      const heard: string[] = [];
      await authed.watchChanges({ onChange: (key) => heard.push(key), onGap: () => undefined });
      await authed.put({ key: 'watched', value: buf('x') });
      await authed.syncChanges();
      assert.deepEqual(heard, ['watched']);
      await authed.close();
      await assert.rejects(openEtcd({ ...tls, path: '/auth/', username: 'coffer', password: 'wrong' }, silentLogger), (err: unknown) =>
        isCofferError(err) && !String((err as Error).message).includes('wrong'));
    } finally {
      await secure?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
