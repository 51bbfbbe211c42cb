import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getJson, isCofferError } from '@coffer/sdk';
import { setupDatabase } from './testdata/setup.js';

describe('database rotate-root/:name', () => {
  it('sets a new root password through the plugin, stores it, and reconnects with it', async () => {
    const { server, t } = await setupDatabase();
    server.rootPasswords.set('root', 'initial-pw');
    await t.write('config/pg', {
      plugin_name: 'fake-plugin',
      connection_url: 'fake://{{username}}:{{password}}@db',
      username: 'root',
      password: 'initial-pw',
      root_rotation_statements: 'ALTER ROLE "{{name}}" WITH PASSWORD \'{{password}}\';',
      allowed_roles: '*',
    });
    const before = server.openConnections()[0]!;
    assert.equal(await t.write('rotate-root/pg'), null);

    const rotated = server.rootPasswords.get('root')!;
    assert.match(rotated, /^A1a-[A-Za-z0-9]{20}$/);
    assert.equal(server.calls.at(-1), 'rotate root ALTER ROLE "{{name}}" WITH PASSWORD \'{{password}}\';');
    const stored = await getJson<{ connection_details: Record<string, unknown> }>(t.storage, 'config/pg');
    assert.equal(stored?.connection_details['password'], rotated);
    assert.equal(before.closed, true);
    assert.doesNotMatch(JSON.stringify(await t.read('config/pg')), new RegExp(rotated));

    // The next use logs in with the new password (the fake checks it).
    await t.write('roles/r', { db_name: 'pg', creation_statements: 'CREATE ROLE "{{name}}";' });
    assert.ok((await t.read('creds/r'))?.data?.['username']);
    assert.equal(server.openConnections()[0]!.config['password'], rotated);
  });

  it('needs a username and a password in the configuration', async () => {
    const { t } = await setupDatabase();
    await t.write('config/nouser', { plugin_name: 'fake-plugin', connection_url: 'fake://db' });
    await assert.rejects(t.write('rotate-root/nouser'), (err: unknown) => isCofferError(err) && err.status === 400 && /no username in configuration/.test(err.message));
    await t.write('config/nopw', { plugin_name: 'fake-plugin', connection_url: 'fake://db', username: 'root' });
    await assert.rejects(t.write('rotate-root/nopw'), (err: unknown) => isCofferError(err) && err.status === 400 && /no password in configuration/.test(err.message));
    await assert.rejects(t.write('rotate-root/missing'), (err: unknown) => isCofferError(err) && err.status === 400);
  });

  it('passes on the plugin\'s refusal and changes nothing', async () => {
    const { server, t } = await setupDatabase();
    server.unsupported.add('password');
    await t.write('config/pg', { plugin_name: 'fake-plugin', connection_url: 'fake://db', username: 'root', password: 'pw' });
    await assert.rejects(t.write('rotate-root/pg'), (err: unknown) => isCofferError(err) && err.status === 405 && /^failed to rotate root credentials: this plugin cannot change passwords/.test(err.message));
    const stored = await getJson<{ connection_details: Record<string, unknown> }>(t.storage, 'config/pg');
    assert.equal(stored?.connection_details['password'], 'pw');
  });
});
