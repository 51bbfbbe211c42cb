// The database secrets engine with the example PostgreSQL plugin
// (examples/plugins/postgres-db) against a real PostgreSQL on
// 127.0.0.1:5432 (trust auth, user postgres): first the plugin class on its
// own, then Vault's plugin upgrade procedure end to end with the CLI —
// register v1, enable the engine, issue credentials, register v2 under the
// same name, `plugin reload -plugin my-db-plugin`, issue again, revoke.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { CofferError, isCofferError } from '@coffer/sdk';
import { buildPostgresDbPlugins, type BuiltPostgresDbPlugin } from '../../examples/plugins/postgres-db/build.mjs';
import { PostgresDatabase } from '../../examples/plugins/postgres-db/src/postgres-database.js';
import { formatExpiration, renderStatement, splitStatements } from '../../examples/plugins/postgres-db/src/statements.js';
import { PluginServer, processesRunning } from './support.js';

const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const TEMPLATED_URL = 'postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres';
const CREATION = `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT CONNECT ON DATABASE postgres TO "{{name}}";`;

/** Why PostgreSQL cannot be used, or undefined when it answers. */
async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unavailable = await postgresUnavailable();
const inCi = process.env['CI'] === 'true';
// Skipped without PostgreSQL, except under CI, where a missing service must fail the run.
const skip = unavailable !== undefined && !inCi ? `${unavailable}; skipping` : false;

/** Runs one query as the postgres superuser. */
async function admin<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function role(name: string): Promise<{ rolname: string; rolvaliduntil: Date | null; has_password: boolean } | undefined> {
  const rows = await admin<{ rolname: string; rolvaliduntil: Date | null; has_password: boolean }>(
    'SELECT rolname, rolvaliduntil, rolpassword IS NOT NULL AS has_password FROM pg_authid WHERE rolname = $1',
    [name],
  );
  return rows[0];
}

/** Drops roles a test created, whatever state it stopped in. */
async function dropRoles(names: Iterable<string>): Promise<void> {
  for (const name of names) {
    await admin(`DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name.replace(/'/g, "''")}') THEN EXECUTE 'DROP OWNED BY ' || quote_ident('${name.replace(/'/g, "''")}') || '; DROP ROLE ' || quote_ident('${name.replace(/'/g, "''")}'); END IF; END $$;`).catch(() => undefined);
  }
}

describe('example postgres plugin: statements', () => {
  it('splits on ";", keeps $$ blocks whole, accepts JSON arrays and base64', () => {
    assert.deepEqual(splitStatements(['CREATE ROLE "a"; GRANT x TO "a";', '  ']), ['CREATE ROLE "a"', 'GRANT x TO "a"']);
    const block = 'DO $$ BEGIN CREATE ROLE "a"; END $$;';
    assert.deepEqual(splitStatements([block]), [block]);
    assert.deepEqual(splitStatements(['["CREATE ROLE \\"a\\"", "GRANT x TO \\"a\\""]']), ['CREATE ROLE "a"', 'GRANT x TO "a"']);
    assert.deepEqual(splitStatements([Buffer.from('CREATE ROLE "b"; DROP ROLE "c"').toString('base64')]), ['CREATE ROLE "b"', 'DROP ROLE "c"']);
  });

  it('substitutes the placeholders and leaves unknown ones alone', () => {
    assert.equal(renderStatement(`CREATE ROLE "{{name}}" PASSWORD '{{password}}' VALID UNTIL '{{ expiration }}' {{other}}`, { name: 'n', password: 'p', expiration: 'e' }), `CREATE ROLE "n" PASSWORD 'p' VALID UNTIL 'e' {{other}}`);
    assert.equal(formatExpiration(new Date('2030-01-02T03:04:05.678Z')), '2030-01-02 03:04:05+0000');
    assert.equal(formatExpiration(undefined), 'infinity');
  });
});

describe('example postgres plugin against PostgreSQL', { skip }, () => {
  const created = new Set<string>();

  before(() => {
    if (unavailable) assert.fail(`CI=true: ${unavailable}`);
  });
  after(() => dropRoles(created));

  it('creates, renews, re-passwords and drops users with the role\'s statements or its defaults', async () => {
    const db = new PostgresDatabase({ version: 'v1.0.0', usernamePrefix: 'v1' });
    const init = await db.initialize({ config: { connection_url: TEMPLATED_URL, username: 'postgres', password: 'unused' }, verifyConnection: true });
    assert.equal(init.config['max_open_connections'], 4);
    assert.equal(await db.type(), 'postgresql');
    assert.equal(db.pluginVersion(), 'v1.0.0');
    try {
      const expiration = new Date(Date.now() + 3600_000);
      const { username } = await db.newUser({
        usernameConfig: { displayName: 'token', roleName: 'Read Only' },
        password: 'A1a-secretpassword01',
        expiration,
        statements: { commands: [CREATION] },
        rollbackStatements: { commands: [] },
      });
      created.add(username);
      assert.match(username, /^v1-read-only-[a-z0-9]{12}$/);
      const made = await role(username);
      assert.equal(made?.has_password, true);
      assert.equal(Math.floor(made!.rolvaliduntil!.getTime() / 1000), Math.floor(expiration.getTime() / 1000));

      const hashOf = async () => (await admin<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [username]))[0]?.rolpassword;
      const hashBefore = await hashOf();
      const later = new Date(Date.now() + 7200_000);
      await db.updateUser({ username, expiration: { newExpiration: later, statements: { commands: [] } }, password: { newPassword: 'A1a-otherpassword002', statements: { commands: [] } } });
      assert.equal(Math.floor((await role(username))!.rolvaliduntil!.getTime() / 1000), Math.floor(later.getTime() / 1000));
      assert.notEqual(await hashOf(), hashBefore, 'the password changed');

      await db.deleteUser({ username, statements: { commands: [] } });
      assert.equal(await role(username), undefined);
      // Dropping again is not an error (a revocation may be retried).
      await db.deleteUser({ username, statements: { commands: [] } });
    } finally {
      await db.close();
    }
  });

  it('reports SQL errors as invalid_request and an unreachable server as unavailable, without the password', async () => {
    const db = new PostgresDatabase({ version: 'v1.0.0', usernamePrefix: 'v1' });
    await db.initialize({ config: { connection_url: ADMIN_URL }, verifyConnection: true });
    try {
      await assert.rejects(
        db.newUser({ usernameConfig: { displayName: 't', roleName: 'bad' }, password: 'A1a-leakcheck0000001', statements: { commands: [`CRATE ROLE "{{name}}" PASSWORD '{{password}}'`] }, rollbackStatements: { commands: [] } }),
        (err: unknown) => isCofferError(err) && err.code === 'invalid_request' && /syntax error/.test(err.message) && !err.message.includes('leakcheck'),
      );
      await assert.rejects(db.updateUser({ username: 'no-such-role-here', expiration: { newExpiration: new Date(), statements: { commands: [] } } }), (err: unknown) => err instanceof CofferError && err.code === 'invalid_request');
    } finally {
      await db.close();
    }
    const down = new PostgresDatabase({ version: 'v1.0.0', usernamePrefix: 'v1' });
    await assert.rejects(down.initialize({ config: { connection_url: 'postgresql://postgres:pw@127.0.0.1:1/postgres' }, verifyConnection: true }), (err: unknown) => isCofferError(err) && err.code === 'unavailable' && !err.message.includes(':pw@'));
    await assert.rejects(down.initialize({ config: {}, verifyConnection: false }), (err: unknown) => isCofferError(err) && err.code === 'invalid_request' && /connection_url cannot be empty/.test(err.message));
  });
});

describe('database engine + my-db-plugin: Vault\'s plugin upgrade procedure with the CLI', { skip }, () => {
  let server: PluginServer;
  let built: Map<string, BuiltPostgresDbPlugin>;
  let buildDir: string;
  const created = new Set<string>();

  before(async () => {
    if (unavailable) assert.fail(`CI=true: ${unavailable}`);
    buildDir = mkdtempSync(join(tmpdir(), 'coffer-pgdb-'));
    built = new Map((await buildPostgresDbPlugins(buildDir)).map((b) => [b.name, b]));
    server = await PluginServer.start();
  });

  after(async () => {
    await server?.stop();
    await dropRoles(created);
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  const creds = async (): Promise<{ lease_id: string; lease_duration: number; renewable: boolean; data: { username: string; password: string } }> => {
    const secret = await server.json(['read', 'database/creds/ro']);
    created.add(secret.data.username);
    return secret;
  };

  it('serves v1, keeps it until the reload, then serves v2; leases of v1 are revoked through v2', async () => {
    const sha1 = server.install(built.get('my-db-plugin-v1')!.file, 'my-db-plugin-v1');
    const sha2 = server.install(built.get('my-db-plugin-v2')!.file, 'my-db-plugin-v2');

    // 1. Register version 1, as the seed does (unversioned, type database).
    await server.ok(['plugin', 'register', `-sha256=${sha1}`, '-command=my-db-plugin-v1', 'database', 'my-db-plugin']);
    // 2. Mount the engine and configure a connection and a role.
    await server.ok(['secrets', 'enable', 'database']);
    await server.ok(['write', 'database/config/pg', 'plugin_name=my-db-plugin', `connection_url=${TEMPLATED_URL}`, 'username=postgres', 'password=unused-with-trust-auth', 'allowed_roles=ro']);
    await server.ok(['write', 'database/roles/ro', 'db_name=pg', `creation_statements=${CREATION}`, 'default_ttl=1h', 'max_ttl=24h']);

    const config = await server.json(['read', 'database/config/pg']);
    assert.equal(config.data.running_plugin_version, 'v1.0.0');
    assert.equal(config.data.connection_details.connection_url, TEMPLATED_URL);
    assert.equal(config.data.connection_details.password, undefined, 'the password is never read back');

    const first = await creds();
    assert.match(first.data.username, /^v1-ro-/);
    assert.equal(first.lease_duration, 3600);
    assert.equal(first.renewable, true);
    assert.match(first.lease_id, /^database\/creds\/ro\//);
    const made = await role(first.data.username);
    assert.ok(made, 'the v1 user exists in PostgreSQL');
    assert.ok(made.rolvaliduntil && Math.abs(made.rolvaliduntil.getTime() - (Date.now() + 3605_000)) < 60_000);

    // 3. Register version 2 under the same name. Until the reload, v1 keeps serving.
    await server.ok(['plugin', 'register', `-sha256=${sha2}`, '-command=my-db-plugin-v2', 'database', 'my-db-plugin']);
    assert.match((await creds()).data.username, /^v1-ro-/);

    // 4. Reload every use of the plugin.
    await server.ok(['plugin', 'reload', '-plugin', 'my-db-plugin']);
    const second = await creds();
    assert.match(second.data.username, /^v2-ro-/);
    assert.ok(await role(second.data.username), 'the v2 user exists in PostgreSQL');
    assert.equal((await server.json(['read', 'database/config/pg'])).data.running_plugin_version, 'v2.0.0');

    // The v1 process is gone once nothing uses it.
    const v1Path = join(server.pluginDir, 'my-db-plugin-v1');
    const deadline = Date.now() + 10_000;
    while (processesRunning(v1Path).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(processesRunning(v1Path), []);

    // Renewing a lease extends the user's VALID UNTIL.
    await server.ok(['write', 'sys/leases/renew', `lease_id=${second.lease_id}`, 'increment=2h']);
    const renewed = await role(second.data.username);
    assert.ok(renewed?.rolvaliduntil && Math.abs(renewed.rolvaliduntil.getTime() - (Date.now() + 7205_000)) < 60_000);

    // Revoking the first lease (issued by v1) drops its user, through v2.
    await server.ok(['write', 'sys/leases/revoke', `lease_id=${first.lease_id}`]);
    assert.equal(await role(first.data.username), undefined);
    assert.ok(await role(second.data.username), 'other users are untouched');

    // Revoking everything under the mount drops the rest.
    await server.ok(['write', '-force', 'sys/leases/revoke-prefix/database/creds/ro']);
    for (const name of created) assert.equal(await role(name), undefined, `${name} was dropped`);
  });
});
