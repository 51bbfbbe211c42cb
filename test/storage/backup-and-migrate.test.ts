// Backups and storage migration from the CLI, as an operator runs them:
// `coffer operator backup save` against a serving sqlite server, `backup
// restore` into empty file storage (another type), `operator migrate`
// sqlite → file; each result starts, unseals with the original keys and
// serves the same secrets. Non-empty destinations and damaged backups are
// refused without writing anything.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '@coffer/sdk';
import { createPhysical, isHABackend } from '@coffer/server/physical/index.js';
import { vaultApi } from '../support/agent-process.js';
import { freePort, runCli, sqliteServerConfig, startCoffer, type CofferProcess } from '../support/coffer-process.js';
import { createThrowawayDatabase, probeLocalPostgres } from './postgres-database.js';

/** vaultApi with the body before the (optional) token, as these tests mostly call without one. */
const api = (address: string, method: string, path: string, body?: unknown, token = ''): Promise<{ status: number; body: any }> => vaultApi(address, method, path, token, body);

/** A server config over file storage in `dir`. */
function fileServerConfig(dir: string, port: number): string {
  const configPath = join(dir, 'server.hcl');
  writeFileSync(configPath, `storage "file" {\n  path = "${join(dir, 'data')}"\n}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\n`);
  return configPath;
}

describe('backup and migration between storage types', () => {
  let work: string;
  let source: ReturnType<typeof sqliteServerConfig>;
  let port: number;
  let server: CofferProcess | undefined;
  let keys: string[];
  let rootToken: string;

  const unsealAndRead = async (configPath: string): Promise<string> => {
    const p = await freePort();
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace(/address = "127\.0\.0\.1:\d+"/, `address = "127.0.0.1:${p}"`));
    const s = await startCoffer(['server', `-config=${configPath}`], p);
    try {
      for (const key of keys.slice(0, 3)) await api(s.address, 'PUT', 'sys/unseal', { key });
      assert.equal((await api(s.address, 'GET', 'sys/seal-status')).body.sealed, false);
      const read = await api(s.address, 'GET', 'secret/data/app', undefined, rootToken);
      return read.body.data.data.password;
    } finally {
      await s.stop();
    }
  };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'coffer-backup-'));
    port = await freePort();
    source = sqliteServerConfig(port);
    server = await startCoffer(['server', `-config=${source.configPath}`], port);
    const init = await api(server.address, 'PUT', 'sys/init', { secret_shares: 5, secret_threshold: 3 });
    keys = init.body.keys;
    rootToken = init.body.root_token;
    for (const key of keys.slice(0, 3)) await api(server.address, 'PUT', 'sys/unseal', { key });
    assert.equal((await api(server.address, 'POST', 'sys/mounts/secret', { type: 'kv', options: { version: '2' } }, rootToken)).status, 204);
    assert.equal((await api(server.address, 'POST', 'secret/data/app', { data: { password: 'before-backup' } }, rootToken)).status, 200);
    for (let i = 0; i < 50; i++) assert.equal((await api(server.address, 'POST', `secret/data/many/${i}`, { data: { i } }, rootToken)).status, 200);
  });
  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(source.dir, { recursive: true, force: true });
  });

  test('backup save needs a sudo token, and saves while the server keeps serving', async () => {
    const plain = (await api(server!.address, 'POST', 'auth/token/create', { policies: ['default'] }, rootToken)).body.auth.client_token;
    assert.equal((await api(server!.address, 'GET', 'sys/storage/backup', undefined, plain)).status, 403);
    const env = { VAULT_ADDR: server!.address, VAULT_TOKEN: rootToken };
    const [saved] = await Promise.all([
      runCli(['operator', 'backup', 'save', join(work, 'coffer.backup')], env),
      api(server!.address, 'POST', 'secret/data/app', { data: { password: 'written-during-backup' } }, rootToken),
    ]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, /Success! Backup saved to/);
    assert.match(saved.stderr, /Downloading/);
  });

  test('restore into empty storage of another type; the restored server unseals with the same keys', async () => {
    await server!.stop();
    server = undefined;
    const dir = join(work, 'restored');
    const configPath = fileServerConfig(mkdtempSync(join(work, 'restored-')), await freePort());
    const restored = await runCli(['operator', 'backup', 'restore', `-config=${configPath}`, join(work, 'coffer.backup')]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /Success! Restored \d+ entries \(backup of sqlite storage/);
    // The secret as it was when the snapshot was taken: one of the two values, never a mix of versions.
    assert.match(await unsealAndRead(configPath), /^(before-backup|written-during-backup)$/);
    void dir;

    const again = await runCli(['operator', 'backup', 'restore', `-config=${configPath}`, join(work, 'coffer.backup')]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /not empty/);

    const damaged = join(work, 'damaged.backup');
    writeFileSync(damaged, readFileSync(join(work, 'coffer.backup')).subarray(0, 100));
    const emptyConfig = fileServerConfig(mkdtempSync(join(work, 'empty-')), await freePort());
    const refused = await runCli(['operator', 'backup', 'restore', `-config=${emptyConfig}`, damaged]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /not gzip data|damaged|truncated/);
  });

  test('operator migrate copies sqlite storage into file storage that then serves the same data', async () => {
    const destDir = mkdtempSync(join(work, 'migrated-'));
    const migrateConfig = join(work, 'migrate.hcl');
    writeFileSync(migrateConfig, `storage_source "sqlite" {\n  path = "${source.dataDir}"\n}\nstorage_destination "file" {\n  path = "${join(destDir, 'data')}"\n}\n`);
    const migrated = await runCli(['operator', 'migrate', `-config=${migrateConfig}`]);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /Success! Migrated \d+ entries from sqlite to file/);
    assert.match(migrated.stderr, /Migrating/);
    assert.equal(await unsealAndRead(fileServerConfig(destDir, await freePort())), 'written-during-backup');

    const refused = await runCli(['operator', 'migrate', `-config=${migrateConfig}`]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /not empty.*-allow-non-empty/);
    const forced = await runCli(['operator', 'migrate', `-config=${migrateConfig}`, '-allow-non-empty']);
    assert.equal(forced.code, 0, forced.stderr);

    writeFileSync(join(work, 'bad.hcl'), 'storage_source "sqlite" {\n  path = "/tmp/x"\n}\n');
    const incomplete = await runCli(['operator', 'migrate', `-config=${join(work, 'bad.hcl')}`]);
    assert.equal(incomplete.code, 2);
    assert.match(incomplete.stderr, /storage_destination/);
  });

  test('operator migrate into PostgreSQL refuses while a server holds its HA lock, then copies and serves', async (t) => {
    const probe = await probeLocalPostgres();
    if (probe.skip) return t.skip(probe.skip);
    probe.failUnderCi();
    const db = await createThrowawayDatabase('migrate');
    try {
      const stanza = { connection_url: db.url, ha_enabled: 'true' };
      const migrateConfig = join(work, 'to-postgres.hcl');
      writeFileSync(migrateConfig, `storage_source "sqlite" {\n  path = "${source.dataDir}"\n}\nstorage_destination "postgresql" {\n  connection_url = "${db.url}"\n  ha_enabled = "true"\n}\n`);

      // A "running server": something holding the destination's HA lock.
      const holder = await createPhysical('postgresql', stanza, silentLogger);
      assert.ok(isHABackend(holder));
      const lock = holder.lockWith('core/lock', JSON.stringify({ api_addr: 'http://127.0.0.1:1' }));
      assert.ok(await lock.acquire(AbortSignal.timeout(10_000)));
      const refused = await runCli(['operator', 'migrate', `-config=${migrateConfig}`]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /in use by a running Coffer server/);
      await lock.release();
      await holder.close();

      const migrated = await runCli(['operator', 'migrate', `-config=${migrateConfig}`]);
      assert.equal(migrated.code, 0, migrated.stderr);
      assert.match(migrated.stdout, /from sqlite to postgresql/);
      const dir = mkdtempSync(join(work, 'pg-'));
      const configPath = join(dir, 'server.hcl');
      writeFileSync(configPath, `storage "postgresql" {\n  connection_url = "${db.url}"\n}\nlistener "tcp" {\n  address = "127.0.0.1:1"\n  tls_disable = true\n}\n`);
      assert.equal(await unsealAndRead(configPath), 'written-during-backup');
    } finally {
      await db.drop();
    }
  });
});
