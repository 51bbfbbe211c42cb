// The storages an HA cluster can share, for scenarios that must hold on each:
// a sqlite file (the default of startCluster), a throwaway PostgreSQL database
// on the machine's server, and an etcd the test starts on loopback ports.
// Short lock TTLs keep failover in tests fast.
import { after, before, describe, it } from 'node:test';
import { createThrowawayDatabase, probeLocalPostgres, type ThrowawayDatabase } from '../storage/postgres-database.js';
import { failWithoutEtcd, skipWithoutEtcd, startEtcdInstance, type EtcdInstance } from '../support/etcd-instance.js';

export function postgresHaStanza(connectionUrl: string): string {
  return `storage "postgresql" {\n  connection_url = "${connectionUrl}"\n  max_parallel = "4"\n  ha_enabled = "true"\n  ha_lock_ttl = "3s"\n}`;
}

export function etcdHaStanza(endpoint: string): string {
  return `storage "etcd" {\n  address = "${endpoint}"\n  ha_enabled = "true"\n  lock_timeout = "3s"\n}`;
}

const postgres = await probeLocalPostgres();

/**
 * Declares `title` once per shared storage. `scenario` gets the storage
 * stanza for startCluster (undefined: its sqlite default) and starts and
 * stops its own cluster.
 */
export function onEveryHaStorage(title: string, scenario: (storageStanza: string | undefined) => Promise<void>): void {
  describe(`${title} (sqlite)`, () => {
    it('holds', () => scenario(undefined));
  });

  describe(`${title} (postgresql)`, { skip: postgres.skip }, () => {
    let db: ThrowawayDatabase | undefined;
    before(async () => {
      postgres.failUnderCi();
      db = await createThrowawayDatabase('ha_scenario');
    });
    after(() => db?.drop());
    it('holds', () => scenario(postgresHaStanza(db!.url)));
  });

  describe(`${title} (etcd)`, { skip: skipWithoutEtcd() }, () => {
    let etcd: EtcdInstance | undefined;
    before(async () => {
      failWithoutEtcd();
      etcd = await startEtcdInstance();
    });
    after(() => etcd?.stop());
    it('holds', () => scenario(etcdHaStanza(etcd!.endpoint)));
  });
}
