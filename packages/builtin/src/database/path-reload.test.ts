import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CofferError, isCofferError } from '@coffer/sdk';
import { configureBasics, setupDatabase } from './testdata/setup.js';

describe('database reload/:plugin_name', () => {
  it('reopens every connection of the plugin from the catalog: a new build takes over', async () => {
    const { server, t } = await setupDatabase();
    server.register('other-plugin', { version: 'v0.1.0', userPrefix: 'other' });
    await configureBasics(t);
    await t.write('config/pg2', { plugin_name: 'fake-plugin', connection_url: 'fake://db2', verify_connection: false });
    await t.write('config/else', { plugin_name: 'other-plugin', connection_url: 'fake://else' });
    const lease = await t.read('creds/ro');
    assert.match(lease?.data?.['username'] as string, /^v1-ro-/);
    const before = server.openConnections();

    // A second build registered under the same name, as in Vault's upgrade procedure.
    server.register('fake-plugin', { version: 'v2.0.0', userPrefix: 'v2' });
    const resp = await t.write('reload/fake-plugin');
    assert.deepEqual(resp?.data, { connections: ['pg', 'pg2'], count: 2 });
    assert.equal(resp?.warnings, undefined);

    const other = before.find((c) => c.build.userPrefix === 'other')!;
    assert.equal(other.closed, false, 'connections of other plugins are untouched');
    assert.ok(before.filter((c) => c.build.userPrefix === 'v1').every((c) => c.closed), 'v1 connections are closed');
    assert.equal((await t.read('config/pg'))?.data?.['running_plugin_version'], 'v2.0.0');
    assert.match((await t.read('creds/ro'))?.data?.['username'] as string, /^v2-ro-/);

    // A lease issued under v1 is revoked through v2.
    await t.revoke(lease!.secret!);
    assert.equal(server.users.has(lease?.data?.['username'] as string), false);
  });

  it('reports zero connections with a warning when no connection uses the plugin', async () => {
    const { t } = await setupDatabase();
    await configureBasics(t);
    const resp = await t.write('reload/unused-plugin');
    assert.deepEqual(resp?.data, { connections: [], count: 0 });
    assert.deepEqual(resp?.warnings, ['no connections were found with plugin_name "unused-plugin"']);
  });

  it('a connection that cannot be reopened keeps its old plugin connection, and the reload fails', async () => {
    const { server, t } = await setupDatabase();
    await configureBasics(t);
    const old = server.openConnections()[0]!;
    server.failNext.set('initialize', new CofferError('unavailable', 'new build crashed'));
    await assert.rejects(t.write('reload/fake-plugin'), (err: unknown) => isCofferError(err) && err.status === 500 && /failed to reload 1 connection using plugin "fake-plugin": "pg"/.test(err.message));
    assert.equal(old.closed, false);
    assert.match((await t.read('creds/ro'))?.data?.['username'] as string, /^v1-/);
  });

  it('drops no call: a call running on the old connection finishes before it is closed', async () => {
    const { server, t } = await setupDatabase();
    await configureBasics(t);
    const old = server.openConnections()[0]!;
    let open!: () => void;
    server.gate = new Promise<void>((resolve) => (open = resolve));
    const running = t.read('creds/ro'); // held inside newUser on the old connection
    await new Promise((r) => setImmediate(r));

    server.register('fake-plugin', { version: 'v2.0.0', userPrefix: 'v2' });
    let reloaded = false;
    const reload = t.write('reload/fake-plugin').then(() => (reloaded = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(old.closed, false, 'still serving the running call');
    assert.equal(reloaded, false, 'the reload waits for the old connection to drain');

    server.gate = undefined;
    open();
    const resp = await running;
    assert.match(resp?.data?.['username'] as string, /^v1-ro-/);
    await reload;
    assert.equal(old.closed, true);
    assert.match((await t.read('creds/ro'))?.data?.['username'] as string, /^v2-ro-/);
  });

  it('invalidating a config key closes its connection so the next use reopens it', async () => {
    const { server, t } = await setupDatabase();
    await configureBasics(t);
    const old = server.openConnections()[0]!;
    await t.backend.invalidateKey('config/pg');
    assert.equal(old.closed, true);
    await t.read('creds/ro');
    assert.equal(server.openConnections().length, 1);
    await t.backend.invalidateKey('role/ro'); // not a connection: nothing happens
    assert.equal(server.openConnections().length, 1);
  });
});
