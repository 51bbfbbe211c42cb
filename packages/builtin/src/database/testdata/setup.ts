import type { InmemStorage, SystemView } from '@coffer/sdk';
import { createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { createDatabaseBackend, type DatabaseOptions } from '../backend.js';
import { FakeDatabaseServer } from './fake-database.js';

export interface DatabaseTest {
  server: FakeDatabaseServer;
  t: TestBackend;
}

/** A database mount over a fake database whose catalog has "fake-plugin" (v1.0.0, users named v1-…). */
export async function setupDatabase(opts: { system?: (server: FakeDatabaseServer) => SystemView; storage?: InmemStorage; server?: FakeDatabaseServer; options?: DatabaseOptions } = {}): Promise<DatabaseTest> {
  const server = opts.server ?? new FakeDatabaseServer();
  if (!server.catalog.has('fake-plugin')) server.register('fake-plugin', { version: 'v1.0.0', userPrefix: 'v1' });
  const system = opts.system ? opts.system(server) : server.systemView();
  const t = await createTestBackend((conf) => Promise.resolve(createDatabaseBackend(conf, opts.options)), { system, storage: opts.storage, mountPoint: 'database/', mountType: 'database' });
  return { server, t };
}

/** Configures connection "pg" for role "ro" and writes role "ro". */
export async function configureBasics(t: TestBackend, extra: Record<string, unknown> = {}): Promise<void> {
  await t.write('config/pg', { plugin_name: 'fake-plugin', connection_url: 'fake://db', allowed_roles: 'ro', ...extra });
  await t.write('roles/ro', {
    db_name: 'pg',
    creation_statements: 'CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\' VALID UNTIL \'{{expiration}}\';',
    revocation_statements: 'DROP ROLE "{{name}}";',
    renew_statements: 'ALTER ROLE "{{name}}" VALID UNTIL \'{{expiration}}\';',
    default_ttl: '1h',
    max_ttl: '24h',
  });
}
