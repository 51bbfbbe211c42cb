import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CofferError } from '@coffer/sdk';
import { launchPlugin, runPluginMetadata, type PluginDatabase, type PluginProcess } from './index.js';
import { buildFixture, recordingLogger, tempDir } from './testdata/helpers.js';

let dir: string;
let command: string;
let proc: PluginProcess;

before(async () => {
  dir = tempDir('coffer-dbplugin-test-');
  command = buildFixture('fixture-database', dir);
  proc = await launchPlugin({ command, name: 'memorydb', logger: recordingLogger().logger });
});

after(async () => {
  await proc?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** The fixture reports a user's state through a 412 error of DeleteUser (see fixture-database.ts). */
async function describeUser(db: PluginDatabase, username: string): Promise<{ user: Record<string, unknown> | null; url: unknown }> {
  try {
    await db.deleteUser({ username: `describe:${username}`, statements: { commands: [] } });
  } catch (err) {
    assert.ok(err instanceof CofferError);
    assert.equal(err.code, 'precondition_failed');
    assert.equal(err.status, 412);
    return JSON.parse(err.message) as { user: Record<string, unknown> | null; url: unknown };
  }
  throw new Error('describe did not fail as the fixture promises');
}

describe('external database plugin', () => {
  it('reports itself as a database plugin with its type and version', async () => {
    assert.deepEqual(await runPluginMetadata(command), { type: 'database', version: 'v0.9.0', databaseType: 'memorydb', protocolVersion: 1 });
    assert.equal(await proc.type(), 'database');
    assert.equal(await proc.pluginVersion(), 'v0.9.0');
  });

  it('initializes, creates, updates and deletes users, one instance per connection', async () => {
    const db1 = proc.dispenseDatabase();
    const db2 = proc.dispenseDatabase();
    assert.notEqual(db1.instanceId, db2.instanceId);

    const init = await db1.initialize({ config: { connection_url: 'mem://one', password: 'root-pw' }, verifyConnection: true });
    assert.deepEqual(init.config, { connection_url: 'mem://one', verified: true });
    await db2.initialize({ config: { connection_url: 'mem://two' }, verifyConnection: false });
    assert.equal(await db1.type(), 'memorydb');
    assert.equal(db1.pluginVersion(), 'v0.9.0');

    const expiration = new Date('2030-01-02T03:04:05.000Z');
    const { username } = await db1.newUser({
      usernameConfig: { displayName: 'token', roleName: 'readonly' },
      password: 'pw-1',
      expiration,
      statements: { commands: ['CREATE ROLE "{{name}}";', 'GRANT SELECT ON ALL TABLES TO "{{name}}";'] },
      rollbackStatements: { commands: [] },
    });
    assert.equal(username, 'v-token-readonly-1');
    assert.deepEqual(await describeUser(db1, username), {
      user: {
        password: 'pw-1',
        expiration: expiration.toISOString(),
        statements: ['CREATE ROLE "{{name}}";', 'GRANT SELECT ON ALL TABLES TO "{{name}}";'],
      },
      url: 'mem://one',
    });
    // The other connection is another instance: it has no such user.
    assert.deepEqual(await describeUser(db2, username), { user: null, url: 'mem://two' });

    const later = new Date('2031-01-01T00:00:00.000Z');
    await db1.updateUser({
      username,
      password: { newPassword: 'pw-2', statements: { commands: [] } },
      expiration: { newExpiration: later, statements: { commands: [] } },
    });
    const updated = await describeUser(db1, username);
    assert.equal(updated.user!['password'], 'pw-2');
    assert.equal(updated.user!['expiration'], later.toISOString());

    await db1.deleteUser({ username, statements: { commands: ['DROP ROLE "{{name}}";'] } });
    assert.equal((await describeUser(db1, username)).user, null);
    await assert.rejects(db1.deleteUser({ username, statements: { commands: [] } }), (err: unknown) => {
      assert.ok(err instanceof CofferError);
      assert.equal(err.code, 'invalid_request');
      assert.equal(err.message, `no user "${username}"`);
      return true;
    });

    await db1.close();
    await db2.close();
    await assert.rejects(db1.newUser({ usernameConfig: { displayName: 'a', roleName: 'b' }, password: 'x', statements: { commands: [] }, rollbackStatements: { commands: [] } }), /Initialize first/);
  });

  it('keeps the error of a failed connection check', async () => {
    const db = proc.dispenseDatabase();
    await assert.rejects(db.initialize({ config: { connection_url: 'unreachable' }, verifyConnection: true }), (err: unknown) => {
      assert.ok(err instanceof CofferError);
      assert.equal(err.status, 400);
      assert.match(err.message, /error verifying connection/);
      return true;
    });
    await db.close();
  });

  it('a backend dispense against a database plugin fails clearly', async () => {
    await assert.rejects(
      proc.dispense({
        storage: { get: async () => null, put: async () => undefined, delete: async () => undefined, list: async () => [], listPage: async () => [] },
        system: (await import('@coffer/sdk')).staticSystemView(),
        logger: recordingLogger().logger,
        config: {},
        backendUuid: 'x',
      }),
      /does not implement Backend\.Setup/,
    );
  });
});
