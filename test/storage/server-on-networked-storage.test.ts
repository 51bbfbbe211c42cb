// `coffer server -config` with storage "postgresql" and storage "etcd": a
// real server process initialises and unseals on it, stores a KV secret,
// and a restarted process reads the secret back after unsealing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { freePort, startCoffer } from '../support/coffer-process.js';
import { failWithoutEtcd, skipWithoutEtcd, startEtcdInstance, type EtcdInstance } from '../support/etcd-instance.js';
import { createThrowawayDatabase, probeLocalPostgres, type ThrowawayDatabase } from './postgres-database.js';

async function api(address: string, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${address}/v1/${path}`, { method, headers: { 'X-Vault-Token': token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Writes the config, runs init → unseal → write, restarts the process, unseals and reads back. */
async function roundTripThroughRestart(storageStanza: string, storageType: string): Promise<void> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'coffer-networked-storage-'));
  const configPath = join(dir, 'coffer.hcl');
  writeFileSync(configPath, `${storageStanza}\n\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\n`);
  try {
    let server = await startCoffer(['server', `-config=${configPath}`], port);
    let key: string;
    let root: string;
    try {
      const init = await api(server.address, 'PUT', 'sys/init', '', { secret_shares: 1, secret_threshold: 1 });
      assert.equal(init.status, 200, JSON.stringify(init.body));
      key = init.body.keys[0];
      root = init.body.root_token;
      assert.equal((await api(server.address, 'PUT', 'sys/unseal', '', { key })).body.sealed, false);
      const status = await api(server.address, 'GET', 'sys/seal-status', '');
      assert.equal(status.body.storage_type, storageType);
      assert.equal((await api(server.address, 'POST', 'sys/mounts/secret', root, { type: 'kv', options: { version: '2' } })).status, 204);
      const written = await api(server.address, 'POST', 'secret/data/app/db', root, { data: { password: 'kept-across-restarts' } });
      assert.equal(written.status, 200, JSON.stringify(written.body));
    } finally {
      await server.stop();
    }

    server = await startCoffer(['server', `-config=${configPath}`], port);
    try {
      const status = await api(server.address, 'GET', 'sys/seal-status', '');
      assert.equal(status.body.initialized, true);
      assert.equal(status.body.sealed, true);
      assert.equal((await api(server.address, 'PUT', 'sys/unseal', '', { key })).body.sealed, false);
      const read = await api(server.address, 'GET', 'secret/data/app/db', root);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      assert.equal(read.body.data.data.password, 'kept-across-restarts');
      const list = await api(server.address, 'LIST', 'secret/metadata/app', root);
      assert.deepEqual(list.body.data.keys, ['db']);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const postgres = await probeLocalPostgres();

describe('coffer server on storage "postgresql"', { skip: postgres.skip }, () => {
  let db: ThrowawayDatabase;
  before(async () => {
    postgres.failUnderCi();
    db = await createThrowawayDatabase('server');
  });
  after(async () => {
    await db?.drop();
  });

  it('init, unseal, write a KV secret, restart, unseal, read it back', async () => {
    await roundTripThroughRestart(`storage "postgresql" {\n  connection_url = "${db.url}"\n  table = "coffer_kv"\n  max_parallel = 8\n}`, 'postgresql');
    // The data really is in the table, encrypted, under Vault's layout.
    const rows = await db.query(`SELECT count(*)::int AS n FROM coffer_kv WHERE path = '/core/' AND key = 'seal-config'`);
    assert.equal(rows.rows[0].n, 1);
    const clear = await db.query(`SELECT count(*)::int AS n FROM coffer_kv WHERE position(convert_to('kept-across-restarts', 'UTF8') IN value) > 0`);
    assert.equal(clear.rows[0].n, 0, 'the secret is stored in clear');
  });
});

describe('coffer server on storage "etcd"', { skip: skipWithoutEtcd() }, () => {
  let etcd: EtcdInstance;
  before(async () => {
    failWithoutEtcd();
    etcd = await startEtcdInstance();
  });
  after(async () => {
    await etcd?.stop();
  });

  it('init, unseal, write a KV secret, restart, unseal, read it back', async () => {
    await roundTripThroughRestart(`storage "etcd" {\n  address = "${etcd.endpoint}"\n  path = "/coffer/"\n  etcd_api = "v3"\n}`, 'etcd');
    const client = new Etcd3({ hosts: etcd.endpoint });
    try {
      const all = await client.getAll().prefix('/coffer/').buffers();
      assert.ok(Object.keys(all).includes('/coffer/core/seal-config'), Object.keys(all).join(', '));
      for (const [key, value] of Object.entries(all)) assert.equal(value.includes('kept-across-restarts'), false, `${key} holds the secret in clear`);
    } finally {
      client.close();
    }
  });
});
