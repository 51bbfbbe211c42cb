import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CofferError, getJson, isCofferError, staticSystemView } from '@coffer/sdk';
import { setupDatabase } from './testdata/setup.js';

const coded = (code: string, text?: RegExp) => (err: unknown) => isCofferError(err) && err.code === code && (!text || text.test(err.message));

describe('database config/:name', () => {
  it('opens and initializes a connection, stores what the plugin returned, and never shows secrets', async () => {
    const { server, t } = await setupDatabase();
    const resp = await t.write('config/pg', {
      plugin_name: 'fake-plugin',
      connection_url: 'postgres://root:s3cret@db:5432/app',
      username: 'root',
      password: 'root-pw',
      allowed_roles: 'ro,rw',
    });
    assert.match(resp?.warnings?.[0] ?? '', /connection_url contains a password/);
    assert.equal(server.openConnections().length, 1);
    assert.deepEqual(server.openConnections()[0]!.config, { connection_url: 'postgres://root:s3cret@db:5432/app', username: 'root', password: 'root-pw' });

    const stored = await getJson<Record<string, unknown>>(t.storage, 'config/pg');
    assert.equal((stored!['connection_details'] as Record<string, unknown>)['password'], 'root-pw');

    const read = await t.read('config/pg');
    assert.deepEqual(read?.data, {
      plugin_name: 'fake-plugin',
      plugin_version: '',
      connection_details: { connection_url: 'postgres://root:*****@db:5432/app', username: 'root', max_open_connections: 4 },
      allowed_roles: ['ro', 'rw'],
      root_credentials_rotate_statements: [],
      password_policy: '',
      verify_connection: true,
      running_plugin_version: 'v1.0.0',
    });
    assert.doesNotMatch(JSON.stringify(read), /s3cret|root-pw/);
  });

  it('does not warn about a templated connection_url', async () => {
    const { t } = await setupDatabase();
    const resp = await t.write('config/pg', { plugin_name: 'fake-plugin', connection_url: 'postgres://{{username}}:{{password}}@db/app', username: 'root', password: 'x' });
    assert.equal(resp, null);
    const read = await t.read('config/pg');
    assert.equal((read?.data?.['connection_details'] as Record<string, unknown>)['connection_url'], 'postgres://{{username}}:{{password}}@db/app');
  });

  it('answers 400 "plugin not found in the catalog" for an unknown plugin and stores nothing', async () => {
    const { t } = await setupDatabase();
    await assert.rejects(t.write('config/pg', { plugin_name: 'nope', connection_url: 'x' }), (err: unknown) => {
      assert.ok(err instanceof CofferError);
      assert.equal(err.status, 400);
      assert.equal(err.message, 'plugin not found in the catalog: nope');
      return true;
    });
    assert.equal(await t.read('config/pg'), null);
  });

  it('answers the same where the server cannot launch plugins (no openDatabasePlugin)', async () => {
    const { t } = await setupDatabase({ system: () => staticSystemView() });
    await assert.rejects(t.write('config/pg', { plugin_name: 'fake-plugin', connection_url: 'x' }), coded('invalid_request', /^plugin not found in the catalog: fake-plugin$/));
  });

  it('refuses an empty plugin_name', async () => {
    const { t } = await setupDatabase();
    await assert.rejects(t.write('config/pg', { connection_url: 'x' }), coded('invalid_request', /empty plugin name/));
  });

  it('verifies the connection unless verify_connection=false, keeping the plugin\'s error code', async () => {
    const { server, t } = await setupDatabase();
    await assert.rejects(t.write('config/pg', { plugin_name: 'fake-plugin', connection_url: 'unreachable' }), coded('invalid_request', /^error creating database object: cannot reach/));
    assert.equal(server.openConnections().length, 0, 'the failed connection was closed');
    assert.equal(await t.read('config/pg'), null);

    server.failNext.set('initialize', new CofferError('unavailable', 'database is starting up'));
    await assert.rejects(t.write('config/pg', { plugin_name: 'fake-plugin', connection_url: 'fake://db' }), (err: unknown) => isCofferError(err) && err.status === 503);

    await t.write('config/pg', { plugin_name: 'fake-plugin', connection_url: 'unreachable', verify_connection: false });
    assert.equal((await t.read('config/pg'))?.data?.['verify_connection'], false);
  });

  it('an update keeps unsent fields and details, and swaps the connection', async () => {
    const { server, t } = await setupDatabase();
    await t.write('config/pg', { plugin_name: 'fake-plugin', connection_url: 'fake://db', username: 'root', password: 'pw', allowed_roles: 'ro', verify_connection: false });
    const first = server.openConnections()[0]!;
    await t.write('config/pg', { allowed_roles: 'ro,rw', max_open_connections: 8 });
    assert.equal(first.closed, true, 'the old connection is closed');
    const [second] = server.openConnections();
    assert.notEqual(second, first);
    assert.deepEqual(second!.config, { max_open_connections: 8, connection_url: 'fake://db', username: 'root', password: 'pw' });
    const read = await t.read('config/pg');
    assert.deepEqual(read?.data?.['allowed_roles'], ['ro', 'rw']);
    assert.equal(read?.data?.['verify_connection'], false, 'verify_connection kept when not sent');
    assert.equal(read?.data?.['plugin_name'], 'fake-plugin');
  });

  it('lists and deletes connections; deleting closes the connection', async () => {
    const { server, t } = await setupDatabase();
    await t.write('config/a', { plugin_name: 'fake-plugin', connection_url: 'fake://a' });
    await t.write('config/b', { plugin_name: 'fake-plugin', connection_url: 'fake://b' });
    assert.deepEqual((await t.list('config/'))?.data, { keys: ['a', 'b'] });
    await t.delete('config/a');
    assert.deepEqual((await t.list('config/'))?.data, { keys: ['b'] });
    assert.equal(server.openConnections().length, 1);
    assert.equal(server.openConnections()[0]!.config['connection_url'], 'fake://b');
    assert.deepEqual(await t.existence('config/a'), { checkFound: true, exists: false });
    assert.deepEqual(await t.existence('config/b'), { checkFound: true, exists: true });
  });

  it('passes plugin_version to the catalog', async () => {
    const { t } = await setupDatabase();
    await assert.rejects(t.write('config/pg', { plugin_name: 'fake-plugin', plugin_version: 'v9.9.9', connection_url: 'x' }), coded('invalid_request', /not found in the catalog/));
    await t.write('config/pg', { plugin_name: 'fake-plugin', plugin_version: 'v1.0.0', connection_url: 'x' });
    assert.equal((await t.read('config/pg'))?.data?.['plugin_version'], 'v1.0.0');
  });

  it('reset reopens the connection from its stored configuration', async () => {
    const { server, t } = await setupDatabase();
    await t.write('config/pg', { plugin_name: 'fake-plugin', connection_url: 'fake://db' });
    const first = server.openConnections()[0]!;
    assert.equal(await t.write('reset/pg'), null);
    assert.equal(first.closed, true);
    assert.equal(server.openConnections().length, 1);
    assert.equal(server.openConnections()[0]!.config['connection_url'], 'fake://db');
    await assert.rejects(t.write('reset/other'), coded('invalid_request', /no database connection named "other"/));
  });

  it('a failed reset keeps the old connection serving', async () => {
    const { server, t } = await setupDatabase();
    await t.write('config/pg', { plugin_name: 'fake-plugin', connection_url: 'fake://db' });
    const first = server.openConnections()[0]!;
    server.failNext.set('initialize', new CofferError('unavailable', 'down'));
    await assert.rejects(t.write('reset/pg'), coded('unavailable'));
    assert.equal(first.closed, false);
    assert.deepEqual(server.openConnections(), [first]);
  });
});
