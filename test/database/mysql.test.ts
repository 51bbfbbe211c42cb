// The built-in mysql-database-plugin (and its legacy alias) against the
// MariaDB on 127.0.0.1:3306 (root, no password), through a dev server's
// HTTP API: issued users log in, revocation and expiry drop them, and a
// root rotation really changes the admin's password.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { eventually, probeService } from '../support/service.js';

const HOST = '127.0.0.1';
const PORT = 3306;
const CREATION = `CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON *.* TO '{{name}}'@'%';`;

async function connect(user: string, password: string): Promise<mysql.Connection> {
  return mysql.createConnection({ host: HOST, port: PORT, user, password, connectTimeout: 3000 });
}

async function admin(sql: string, values: unknown[] = []): Promise<unknown[]> {
  const conn = await connect('root', '');
  try {
    const [rows] = await conn.query(sql, values);
    return rows as unknown[];
  } finally {
    await conn.end();
  }
}

async function loginAs(user: string, password: string): Promise<string> {
  const conn = await connect(user, password);
  try {
    const [rows] = await conn.query('SELECT CURRENT_USER() AS me');
    return String((rows as { me: string }[])[0]!.me);
  } finally {
    await conn.end();
  }
}

async function userExists(user: string): Promise<boolean> {
  return (await admin('SELECT 1 FROM mysql.user WHERE User = ?', [user])).length > 0;
}

const mariadb = await probeService('MariaDB/MySQL at 127.0.0.1:3306 (root, no password)', async () => {
  await admin('SELECT 1');
});

describe('mysql-database-plugin (built in) against MariaDB', { skip: mariadb.skip }, () => {
  let s: InProcessServer;
  let pluginDir = '';
  const rootUser = `coffer_adm_${process.pid}`;
  const rootPassword = 'initial-Root-pa55';
  const url = `{{username}}:{{password}}@tcp(${HOST}:${PORT})/`;

  before(async () => {
    mariadb.failUnderCi();
    await admin(`DROP USER IF EXISTS '${rootUser}'@'%'`);
    await admin(`CREATE USER '${rootUser}'@'%' IDENTIFIED BY '${rootPassword}'`);
    await admin(`GRANT ALL PRIVILEGES ON *.* TO '${rootUser}'@'%' WITH GRANT OPTION`);
    pluginDir = mkdtempSync(join(tmpdir(), 'coffer-plugins-'));
    s = await startInProcessServer({ plugins: { directory: pluginDir } });
    assert.equal((await s.request('POST', 'sys/mounts/database', { type: 'database' })).status, 204);
    const res = await s.request('POST', 'database/config/maria', { plugin_name: 'mysql-database-plugin', connection_url: url, username: rootUser, password: rootPassword, allowed_roles: '*' });
    assert.equal(res.status, 204, JSON.stringify(res.body));
  });

  after(async () => {
    await s?.close();
    const users = (await admin(`SELECT User FROM mysql.user WHERE User LIKE 'v-%' OR User = ?`, [rootUser]).catch(() => [])) as { User: string }[];
    for (const { User } of users) await admin(`DROP USER IF EXISTS '${User}'@'%'`).catch(() => undefined);
    if (pluginDir) rmSync(pluginDir, { recursive: true, force: true });
  });

  it('issues a user that logs in; revocation ends its session and drops it', async () => {
    assert.equal((await s.request('POST', 'database/roles/reader', { db_name: 'maria', creation_statements: [CREATION], default_ttl: '1h' })).status, 204);
    const creds = await s.request('GET', 'database/creds/reader');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    const { username, password } = creds.body.data;
    assert.ok(username.length <= 32 && username.startsWith('v-root-reader-'), username);
    assert.equal(await loginAs(username, password), `${username}@%`);
    const session = await connect(username, password);
    session.on('error', () => undefined);

    assert.equal((await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id })).status, 204);
    assert.equal(await userExists(username), false);
    await assert.rejects(loginAs(username, password), /Access denied/);
    await assert.rejects(session.query('SELECT 1'), 'the open session was ended');
    session.destroy();
  });

  it('drops the user when its lease expires', async () => {
    assert.equal((await s.request('POST', 'database/roles/short', { db_name: 'maria', creation_statements: [CREATION], default_ttl: '2s', max_ttl: '2s' })).status, 204);
    const creds = await s.request('GET', 'database/creds/short');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    assert.equal(await userExists(creds.body.data.username), true);
    assert.ok(await eventually(async () => !(await userExists(creds.body.data.username))), 'the expired user was dropped');
  });

  it('the legacy alias makes 16-character user names, and a Go DSN or a mysql:// URL both work', async () => {
    const res = await s.request('POST', 'database/config/legacy', {
      plugin_name: 'mysql-legacy-database-plugin',
      connection_url: `mysql://{{username}}:{{password}}@${HOST}:${PORT}/`,
      username: rootUser,
      password: rootPassword,
      allowed_roles: 'legacy',
    });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.equal((await s.request('POST', 'database/roles/legacy', { db_name: 'legacy', creation_statements: [CREATION] })).status, 204);
    const creds = await s.request('GET', 'database/creds/legacy');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    assert.ok(creds.body.data.username.length <= 16, creds.body.data.username);
    assert.equal(await loginAs(creds.body.data.username, creds.body.data.password), `${creds.body.data.username}@%`);
    await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id });
  });

  it('refuses a wrong root password, a DSN typo and bad SQL with a 4xx, leaving nothing behind', async () => {
    const wrong = await s.request('POST', 'database/config/bad', { plugin_name: 'mysql-database-plugin', connection_url: url, username: rootUser, password: 'not-the-password' });
    assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
    assert.match(wrong.body.errors.join(' '), /Access denied/);
    assert.ok(!JSON.stringify(wrong.body).includes('not-the-password'));
    const typo = await s.request('POST', 'database/config/bad', { plugin_name: 'mysql-database-plugin', connection_url: `{{username}}:{{password}}@tcp(${HOST}:${PORT}`, username: rootUser, password: rootPassword });
    assert.equal(typo.status, 400, JSON.stringify(typo.body));
    assert.match(typo.body.errors.join(' '), /not a valid MySQL DSN/);
    assert.equal((await s.request('GET', 'database/config/bad')).status, 404);

    assert.equal((await s.request('POST', 'database/roles/badsql', { db_name: 'maria', creation_statements: [`CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANTT SELECT ON *.* TO '{{name}}'@'%';`] })).status, 204);
    const bad = await s.request('GET', 'database/creds/badsql');
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.match(bad.body.errors.join(' '), /SQL syntax/);
    assert.equal((await admin(`SELECT 1 FROM mysql.user WHERE User LIKE 'v-root-badsql-%'`)).length, 0, 'the half-made user was rolled back');
  });

  it('generates passwords from the connection\'s password_policy', async () => {
    const policy = 'length = 28\nrule "charset" {\n  charset = "abcdefghkmnpqrstuvwxyz"\n  min-chars = 4\n}\nrule "charset" {\n  charset = "23456789"\n  min-chars = 4\n}';
    assert.equal((await s.request('PUT', 'sys/policies/password/db', { policy })).status, 204);
    const res = await s.request('POST', 'database/config/policy', { plugin_name: 'mysql-database-plugin', connection_url: url, username: rootUser, password: rootPassword, allowed_roles: 'withpolicy', password_policy: 'db' });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.equal((await s.request('POST', 'database/roles/withpolicy', { db_name: 'policy', creation_statements: [CREATION] })).status, 204);
    const creds = await s.request('GET', 'database/creds/withpolicy');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    assert.match(creds.body.data.password, /^[a-hk-np-z2-9]{28}$/);
    assert.equal(await loginAs(creds.body.data.username, creds.body.data.password), `${creds.body.data.username}@%`);
    await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id });
    // A policy that does not exist is a clear 400 when credentials are asked for.
    await s.request('POST', 'database/config/policy', { password_policy: 'nosuch' });
    const missing = await s.request('GET', 'database/creds/withpolicy');
    assert.equal(missing.status, 400);
    assert.match(missing.body.errors.join(' '), /password policy "nosuch" does not exist/);
  });

  it('rotates the root password in the database and never shows it', async () => {
    assert.equal((await s.request('POST', 'database/rotate-root/maria')).status, 204);
    await assert.rejects(loginAs(rootUser, rootPassword), /Access denied/);
    const read = await s.request('GET', 'database/config/maria');
    assert.equal(read.body.data.connection_details.password, undefined);
    const creds = await s.request('GET', 'database/creds/reader');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id });
    assert.equal(await userExists(creds.body.data.username), false);
  });
});
