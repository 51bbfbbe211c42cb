// The built-in postgresql-database-plugin against a throwaway PostgreSQL
// cluster on loopback that checks passwords (the machine's own server
// trusts every local login, which would hide a wrong or rotated password),
// through a dev server's HTTP API exactly as Vault's
// database tutorial drives it: issued users really log in, and revocation,
// expiry and root rotation really change the database.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgresInstance, type PostgresInstance } from '../support/postgres-instance.js';
import { eventually, probeService } from '../support/service.js';

let instance: PostgresInstance | undefined;
const CREATION = `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT CONNECT ON DATABASE postgres TO "{{name}}";`;

const postgres = await probeService('a throwaway PostgreSQL cluster (initdb, pg_ctl)', async () => {
  instance = await startPostgresInstance();
});
const PORT = instance?.port ?? 0;
const TEMPLATED_URL = `postgresql://{{username}}:{{password}}@127.0.0.1:${PORT}/postgres`;

async function admin<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: instance!.url(), connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Logs in as `user` and returns current_user, or throws the login error. */
async function loginAs(user: string, password: string): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port: PORT, database: 'postgres', user, password, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<{ current_user: string }>('SELECT current_user')).rows[0]!.current_user;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function roleExists(name: string): Promise<boolean> {
  return (await admin('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).length > 0;
}

describe('postgresql-database-plugin (built in) against PostgreSQL', { skip: postgres.skip }, () => {
  let s: InProcessServer;
  let pluginDir = '';
  const rootUser = `coffer_root_${process.pid}`;
  const rootPassword = 'initial-root-Pa55';

  before(async () => {
    postgres.failUnderCi();
    await admin(`DROP ROLE IF EXISTS "${rootUser}"`);
    await admin(`CREATE ROLE "${rootUser}" WITH LOGIN SUPERUSER PASSWORD '${rootPassword}'`);
    pluginDir = mkdtempSync(join(tmpdir(), 'coffer-plugins-'));
    s = await startInProcessServer({ plugins: { directory: pluginDir } });
    assert.equal((await s.request('POST', 'sys/mounts/database', { type: 'database' })).status, 204);
    const configured = await s.request('POST', 'database/config/pg', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: TEMPLATED_URL,
      username: rootUser,
      password: rootPassword,
      allowed_roles: '*',
      max_open_connections: 3,
      max_connection_lifetime: '60s',
    });
    assert.equal(configured.status, 204, JSON.stringify(configured.body));
  });

  after(async () => {
    await s?.close();
    await instance?.destroy();
    if (pluginDir) rmSync(pluginDir, { recursive: true, force: true });
  });

  it('lists the built-in database plugins in the catalog', async () => {
    const res = await s.request('LIST', 'sys/plugins/catalog/database');
    assert.equal(res.status, 200);
    for (const name of ['postgresql-database-plugin', 'mysql-database-plugin', 'mysql-aurora-database-plugin', 'mysql-rds-database-plugin', 'mysql-legacy-database-plugin', 'redis-database-plugin']) {
      assert.ok(res.body.data.keys.includes(name), `${name} is listed`);
    }
  });

  it('reads a config without the root password, with the pool settings filled in', async () => {
    const res = await s.request('GET', 'database/config/pg');
    assert.equal(res.status, 200);
    const details = res.body.data.connection_details;
    assert.equal(details.password, undefined);
    assert.equal(details.max_open_connections, 3);
    assert.equal(details.max_connection_lifetime, '60s');
    assert.equal(res.body.data.plugin_name, 'postgresql-database-plugin');
    assert.ok(!JSON.stringify(res.body).includes(rootPassword));
  });

  it('issues a user that logs in, and revoking the lease drops it', async () => {
    assert.equal((await s.request('POST', 'database/roles/app', { db_name: 'pg', creation_statements: [CREATION], default_ttl: '1h', max_ttl: '2h' })).status, 204);
    const creds = await s.request('GET', 'database/creds/app');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    const { username, password } = creds.body.data;
    assert.match(username, /^v-root-app-[A-Za-z0-9]{20}-\d+$/);
    assert.equal(creds.body.lease_duration, 3600);
    assert.equal(await loginAs(username, password), username);

    const renewed = await s.request('PUT', 'sys/leases/renew', { lease_id: creds.body.lease_id, increment: 7200 });
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    const [valid] = await admin<{ rolvaliduntil: Date }>('SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [username]);
    assert.ok(valid!.rolvaliduntil.getTime() > Date.now() + 3600_000, 'the renewal moved VALID UNTIL');

    assert.equal((await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id })).status, 204);
    assert.equal(await roleExists(username), false);
    await assert.rejects(loginAs(username, password), /password authentication failed|does not exist/);
  });

  it('drops the user when its lease expires', async () => {
    assert.equal((await s.request('POST', 'database/roles/short', { db_name: 'pg', creation_statements: [CREATION], default_ttl: '2s', max_ttl: '2s' })).status, 204);
    const creds = await s.request('GET', 'database/creds/short');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    assert.equal(await roleExists(creds.body.data.username), true);
    assert.ok(await eventually(async () => !(await roleExists(creds.body.data.username))), 'the expired user was dropped');
  });

  it('retries the revocation of an expired lease while the database is down, visibly, and drops the user once it is back', async () => {
    const creds = await s.request('GET', 'database/creds/short');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    const { username } = creds.body.data;
    await instance!.stop();
    try {
      const lookup = async () => (await s.request('PUT', 'sys/leases/lookup', { lease_id: creds.body.lease_id })).body;
      assert.ok(await eventually(async () => (await lookup()).data?.revocation_attempts >= 1, 20_000), 'the failed revocation shows in the lookup');
      const failing = await lookup();
      assert.match(failing.data.last_revocation_error, /ECONNREFUSED|connect/);
      assert.ok(failing.data.next_revocation_attempt);
      assert.ok(!JSON.stringify(failing).includes(rootPassword), 'no password in the error');
    } finally {
      await instance!.start();
    }
    assert.ok(await eventually(async () => !(await roleExists(username)), 40_000), 'the user was dropped by a retry');
    assert.ok(await eventually(async () => (await s.request('PUT', 'sys/leases/lookup', { lease_id: creds.body.lease_id })).status === 400, 10_000), 'and the lease is gone');
  });

  it('stores a SCRAM verifier, never the clear password, with password_authentication=scram-sha-256', async () => {
    const res = await s.request('POST', 'database/config/pgscram', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: TEMPLATED_URL,
      username: rootUser,
      password: rootPassword,
      allowed_roles: 'scram',
      password_authentication: 'scram-sha-256',
    });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.equal((await s.request('POST', 'database/roles/scram', { db_name: 'pgscram', creation_statements: [CREATION] })).status, 204);
    const creds = await s.request('GET', 'database/creds/scram');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    const [row] = await admin<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [creds.body.data.username]);
    assert.match(row!.rolpassword, /^SCRAM-SHA-256\$4096:/);
    assert.equal(await loginAs(creds.body.data.username, creds.body.data.password), creds.body.data.username);
    await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id });
  });

  it('uses a username_template', async () => {
    const res = await s.request('POST', 'database/config/pgtpl', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: TEMPLATED_URL,
      username: rootUser,
      password: rootPassword,
      allowed_roles: 'tpl',
      username_template: 'v-{{.RoleName}}-{{random 8 | lowercase}}',
    });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.equal((await s.request('POST', 'database/roles/tpl', { db_name: 'pgtpl', creation_statements: [CREATION] })).status, 204);
    const creds = await s.request('GET', 'database/creds/tpl');
    assert.match(creds.body.data.username, /^v-tpl-[a-z0-9]{8}$/);
    await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id });
  });

  it('refuses bad input with a clear 4xx and stores nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ plugin_name: 'postgresql-database-plugin', connection_url: TEMPLATED_URL, username: rootUser, password: 'wrong-password' }, /password authentication failed/],
      [{ plugin_name: 'postgresql-database-plugin', connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${PORT}/nosuchdb`, username: rootUser, password: rootPassword }, /nosuchdb/],
      [{ plugin_name: 'postgresql-database-plugin', connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:5x32/postgres', username: rootUser, password: rootPassword }, /connection_url is not a valid URL/],
      [{ plugin_name: 'postgresql-database-plugin', connection_url: TEMPLATED_URL, username: rootUser, password: rootPassword, username_template: '{{ nosuch }}' }, /username_template.*"nosuch" not defined/],
      [{ plugin_name: 'postgresql-database-plugin', connection_url: TEMPLATED_URL, username: rootUser, password: rootPassword, password_authentication: 'md5' }, /password_authentication/],
      [{ plugin_name: 'no-such-database-plugin', connection_url: TEMPLATED_URL }, /plugin not found in the catalog: no-such-database-plugin/],
    ];
    for (const [body, reason] of cases) {
      const res = await s.request('POST', 'database/config/broken', body);
      assert.equal(res.status, 400, `${JSON.stringify(res.body)}`);
      assert.match(res.body.errors.join(' '), reason);
      assert.ok(!JSON.stringify(res.body).includes(rootPassword) && !JSON.stringify(res.body).includes('wrong-password'), 'no password in the error');
    }
    assert.equal((await s.request('GET', 'database/config/broken')).status, 404);

    // A database that does not answer is 503 (unavailable), with the reason.
    const down = await s.request('POST', 'database/config/broken', { plugin_name: 'postgresql-database-plugin', connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:1/postgres', username: rootUser, password: rootPassword });
    assert.equal(down.status, 503, JSON.stringify(down.body));
    assert.match(down.body.errors.join(' '), /ECONNREFUSED/);

    // Bad SQL in a role: the read fails with the database's reason, and no user is left behind.
    const before = (await admin(`SELECT 1 FROM pg_roles WHERE rolname LIKE 'v-root-badsql-%'`)).length;
    assert.equal((await s.request('POST', 'database/roles/badsql', { db_name: 'pg', creation_statements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}'; GRANTT CONNECT ON DATABASE postgres TO "{{name}}";`] })).status, 204);
    const bad = await s.request('GET', 'database/creds/badsql');
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.match(bad.body.errors.join(' '), /syntax error/);
    assert.equal((await admin(`SELECT 1 FROM pg_roles WHERE rolname LIKE 'v-root-badsql-%'`)).length, before);
  });

  it('reset and reload reopen the connection', async () => {
    assert.equal((await s.request('POST', 'database/reset/pg')).status, 204);
    const reload = await s.request('POST', 'database/reload/postgresql-database-plugin');
    assert.equal(reload.status, 200, JSON.stringify(reload.body));
    assert.ok(reload.body.data.connections.includes('pg'));
    assert.equal((await s.request('GET', 'database/creds/app')).status, 200);
  });
  it('rotates the root password: the old one stops working, the new one is never shown, the engine keeps working', async () => {
    assert.equal(await loginAs(rootUser, rootPassword), rootUser);
    const rotated = await s.request('POST', 'database/rotate-root/pg');
    assert.equal(rotated.status, 204, JSON.stringify(rotated.body));
    await assert.rejects(loginAs(rootUser, rootPassword), /password authentication failed/);
    const read = await s.request('GET', 'database/config/pg');
    assert.equal(read.body.data.connection_details.password, undefined);
    const creds = await s.request('GET', 'database/creds/app');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    assert.equal(await loginAs(creds.body.data.username, creds.body.data.password), creds.body.data.username);
    assert.equal((await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id })).status, 204);
    assert.equal(await roleExists(creds.body.data.username), false);
  });

});
