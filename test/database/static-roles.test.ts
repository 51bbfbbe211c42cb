// Static roles of the database engine against a throwaway PostgreSQL that
// checks passwords: the first rotation takes the user over, rotations run
// on schedule and on demand, a rotation the database refuses keeps the old
// password and is retried, and a server that dies between setting the
// password and committing it finishes the rotation after restart (WAL).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { StorageEntry } from '@coffer/sdk';
import { InmemBackend } from '@coffer/server/physical/index.js';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { startPostgresInstance, type PostgresInstance } from '../support/postgres-instance.js';
import { eventually, probeService } from '../support/service.js';

let instance: PostgresInstance | undefined;
const postgres = await probeService('a throwaway PostgreSQL cluster (initdb, pg_ctl)', async () => {
  instance = await startPostgresInstance();
});
const PORT = instance?.port ?? 0;

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: instance!.url(), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function canLogin(user: string, password: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port: PORT, database: 'postgres', user, password, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Physical storage shared by two server lifetimes; `failCommitOf` makes the commit of one role's rotation die. */
function crashableStorage(inner: InmemBackend): { physical: InmemBackend; failCommitOf: (role: string | undefined) => void } {
  let failing: string | undefined;
  const physical = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'close') return async () => undefined;
      if (prop === 'put') {
        return async (entry: StorageEntry) => {
          if (failing && entry.key.endsWith(`/static-role/${failing}`)) throw new Error('the server died here (simulated)');
          return target.put(entry);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { physical, failCommitOf: (role) => (failing = role) };
}

describe('database static roles against PostgreSQL', { skip: postgres.skip }, () => {
  let s: InProcessServer;
  let pluginDir = '';
  const storage = crashableStorage(new InmemBackend());
  const users = ['static_app', 'static_fast', 'static_gate', 'static_crash'];

  before(async () => {
    postgres.failUnderCi();
    for (const u of users) await admin(`CREATE ROLE "${u}" WITH LOGIN PASSWORD 'initial-pw'`);
    await admin('CREATE TABLE rotation_gate (ok int); INSERT INTO rotation_gate VALUES (1); GRANT SELECT ON rotation_gate TO PUBLIC');
    pluginDir = mkdtempSync(join(tmpdir(), 'coffer-plugins-'));
    s = await startInProcessServer({ plugins: { directory: pluginDir }, physical: storage.physical });
    assert.equal((await s.request('POST', 'sys/mounts/database', { type: 'database' })).status, 204);
    const res = await s.request('POST', 'database/config/pg', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${PORT}/postgres`,
      username: 'postgres',
      password: instance!.superuserPassword,
      allowed_roles: '*',
    });
    assert.equal(res.status, 204, JSON.stringify(res.body));
  });

  after(async () => {
    await s?.close();
    await instance?.destroy();
    if (pluginDir) rmSync(pluginDir, { recursive: true, force: true });
  });

  it('takes the user over at creation and rotates on demand', async () => {
    const created = await s.request('POST', 'database/static-roles/app', { db_name: 'pg', username: 'static_app', rotation_period: '1h' });
    assert.equal(created.status, 204, JSON.stringify(created.body));
    assert.equal(await canLogin('static_app', 'initial-pw'), false, 'the initial password no longer works');
    const creds = await s.request('GET', 'database/static-creds/app');
    assert.equal(creds.status, 200);
    assert.equal(creds.body.data.username, 'static_app');
    assert.equal(creds.body.data.rotation_period, 3600);
    assert.ok(creds.body.data.ttl > 3590 && creds.body.data.ttl <= 3600);
    assert.ok(Date.now() - Date.parse(creds.body.data.last_vault_rotation) < 60_000);
    assert.equal(await canLogin('static_app', creds.body.data.password), true);

    assert.equal((await s.request('POST', 'database/rotate-role/app')).status, 204);
    const after = await s.request('GET', 'database/static-creds/app');
    assert.notEqual(after.body.data.password, creds.body.data.password);
    assert.equal(await canLogin('static_app', creds.body.data.password), false);
    assert.equal(await canLogin('static_app', after.body.data.password), true);

    const role = await s.request('GET', 'database/static-roles/app');
    assert.equal(role.body.data.username, 'static_app');
    assert.equal(role.body.data.password, undefined, 'a role read never shows the password');
    assert.deepEqual((await s.request('LIST', 'database/static-roles')).body.data.keys, ['app']);
  });

  it('rotates on its rotation_period', async () => {
    assert.equal((await s.request('POST', 'database/static-roles/fast', { db_name: 'pg', username: 'static_fast', rotation_period: '5s' })).status, 204);
    const first = (await s.request('GET', 'database/static-creds/fast')).body.data.password;
    assert.ok(await eventually(async () => (await s.request('GET', 'database/static-creds/fast')).body.data.password !== first, 15_000), 'rotated after 5 s');
    const now = (await s.request('GET', 'database/static-creds/fast')).body.data.password;
    assert.equal(await canLogin('static_fast', now), true);
    assert.equal(await canLogin('static_fast', first), false);
    assert.equal((await s.request('DELETE', 'database/static-roles/fast')).status, 204);
  });

  it('refuses bad static roles with the reason and stores nothing', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ db_name: 'pg', username: 'no_such_user', rotation_period: '1h' }, 400, /no such role in the database/],
      [{ db_name: 'pg', username: 'static_app' }, 400, /one of rotation_period or rotation_schedule is required/],
      [{ db_name: 'pg', username: 'static_app', rotation_period: '2s' }, 400, /rotation_period must be 5 seconds or more/],
      [{ db_name: 'pg', username: 'static_app', rotation_schedule: '61 * * * *' }, 400, /invalid rotation_schedule/],
      [{ db_name: 'pg', username: 'static_app', rotation_period: '1h', rotation_window: '2h' }, 400, /rotation_window is only valid with rotation_schedule/],
      [{ db_name: 'nosuch', username: 'static_app', rotation_period: '1h' }, 400, /no database connection named "nosuch"/],
    ];
    for (const [body, status, reason] of cases) {
      const res = await s.request('POST', 'database/static-roles/bad', body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.body.errors.join(' '), reason);
    }
    assert.equal((await s.request('GET', 'database/static-roles/bad')).status, 404);
    const scheduled = await s.request('POST', 'database/static-roles/cron', { db_name: 'pg', username: 'static_app', rotation_schedule: '0 3 * * *', rotation_window: '2h' });
    assert.equal(scheduled.status, 204, JSON.stringify(scheduled.body));
    const cron = await s.request('GET', 'database/static-creds/cron');
    assert.equal(cron.body.data.rotation_schedule, '0 3 * * *');
    assert.equal(cron.body.data.rotation_window, 7200);
    assert.ok(cron.body.data.ttl <= 24 * 3600);
    await s.request('DELETE', 'database/static-roles/cron');
    // The app role (same user) was rotated by "cron": take it back for the next tests.
    assert.equal((await s.request('POST', 'database/rotate-role/app')).status, 204);
  });

  it('keeps the old password when the database refuses the change, shows the failure, and retries', async () => {
    const statements = [`ALTER ROLE "{{name}}" WITH PASSWORD '{{password}}'; SELECT 1 / ok FROM rotation_gate;`];
    assert.equal((await s.request('POST', 'database/static-roles/gate', { db_name: 'pg', username: 'static_gate', rotation_period: '1h', rotation_statements: statements })).status, 204);
    const before = (await s.request('GET', 'database/static-creds/gate')).body.data.password;
    await admin('UPDATE rotation_gate SET ok = 0');
    const refused = await s.request('POST', 'database/rotate-role/gate');
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(refused.body.errors.join(' '), /division by zero/);
    const still = await s.request('GET', 'database/static-creds/gate');
    assert.equal(still.body.data.password, before, 'the old password stays readable');
    assert.equal(await canLogin('static_gate', before), true, 'and it still works');
    assert.match(still.body.data.last_rotation_error, /division by zero/);
    assert.ok(still.body.data.failed_rotations >= 1);

    await admin('UPDATE rotation_gate SET ok = 1');
    assert.ok(
      await eventually(async () => (await s.request('GET', 'database/static-creds/gate')).body.data.password !== before, 20_000),
      'the retry with backoff succeeded',
    );
    const now = await s.request('GET', 'database/static-creds/gate');
    assert.equal(now.body.data.last_rotation_error, undefined);
    assert.equal(await canLogin('static_gate', now.body.data.password), true);
    assert.equal(await canLogin('static_gate', before), false);
  });

  it('finishes a rotation interrupted between the database change and the commit after a restart', async () => {
    assert.equal((await s.request('POST', 'database/static-roles/crash', { db_name: 'pg', username: 'static_crash', rotation_period: '1h' })).status, 204);
    const old = (await s.request('GET', 'database/static-creds/crash')).body.data.password;
    storage.failCommitOf('crash');
    const dying = await s.request('POST', 'database/rotate-role/crash');
    assert.ok(dying.status >= 500, 'the rotation did not commit');
    // The database has the new password already; the stored role still has the old one.
    assert.equal(await canLogin('static_crash', old), false);

    // "Kill" the server and start a new one on the same storage.
    const { rootToken, unsealKey } = s;
    await s.close();
    storage.failCommitOf(undefined);
    s = await startInProcessServer({ dev: false, plugins: { directory: pluginDir }, physical: storage.physical });
    s.rootToken = rootToken;
    assert.equal((await s.request('PUT', 'sys/unseal', { key: unsealKey })).status, 200);
    assert.ok(
      await eventually(async () => {
        const creds = await s.request('GET', 'database/static-creds/crash');
        return creds.status === 200 && creds.body.data.password !== old && (await canLogin('static_crash', creds.body.data.password));
      }),
      'after the restart Coffer knows the password the database has',
    );
  });
});
