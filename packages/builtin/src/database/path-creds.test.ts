import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CofferError, isCofferError, type Secret } from '@coffer/sdk';
import { createTestBackend } from '@coffer/sdk/testing/index.js';
import { createDatabaseBackend } from './backend.js';
import { configureBasics, setupDatabase } from './testdata/setup.js';

const fixedNow = new Date('2030-01-01T00:00:00.000Z');

describe('database creds/:name and its leases', () => {
  it('creates a user through the plugin and returns it with a renewable lease', async () => {
    const { server, t } = await setupDatabase({ options: { now: () => fixedNow } });
    await configureBasics(t);
    const resp = await t.read('creds/ro');
    const username = resp?.data?.['username'] as string;
    const password = resp?.data?.['password'] as string;
    assert.match(username, /^v1-ro-\d+$/);
    assert.match(password, /^A1a-[A-Za-z0-9]{20}$/);
    assert.deepEqual(resp?.secret, {
      ttl: 3600,
      maxTtl: 86400,
      renewable: true,
      internalData: { secret_type: 'creds', username, role: 'ro', db_name: 'pg', revocation_statements: ['DROP ROLE "{{name}}";'] },
    });
    const user = server.users.get(username)!;
    assert.equal(user.password, password);
    assert.equal(user.expiration?.toISOString(), '2030-01-01T01:00:05.000Z', 'TTL plus the 5 s margin');
    assert.match(user.creation[0]!, /^CREATE ROLE/);
    assert.deepEqual(server.calls, ['newUser v1.0.0 ro test']);
  });

  it('uses the mount default TTL, capped by the role max, when the role has none', async () => {
    const { server, t } = await setupDatabase({ options: { now: () => fixedNow } });
    await configureBasics(t);
    await t.write('roles/short', { db_name: 'pg', creation_statements: 'CREATE ROLE "{{name}}";', max_ttl: '10m' });
    await t.write('config/pg', { allowed_roles: '*' });
    const resp = await t.read('creds/short');
    assert.equal(server.users.get(resp?.data?.['username'] as string)?.expiration?.toISOString(), '2030-01-01T00:10:05.000Z');
  });

  it('refuses roles the connection does not allow, and unknown roles', async () => {
    const { t } = await setupDatabase();
    await configureBasics(t);
    await t.write('roles/svc-a', { db_name: 'pg', creation_statements: 'CREATE ROLE "{{name}}";' });
    await assert.rejects(t.read('creds/svc-a'), (err: unknown) => isCofferError(err) && err.status === 400 && /"svc-a" is not an allowed role/.test(err.message));
    await t.write('config/pg', { allowed_roles: 'ro,svc-*' });
    assert.match((await t.read('creds/svc-a'))?.data?.['username'] as string, /^v1-svc-a-/);
    await assert.rejects(t.read('creds/nope'), (err: unknown) => isCofferError(err) && err.status === 400 && err.message === 'unknown role: nope');
    await t.write('roles/orphan', { db_name: 'gone', creation_statements: 'x' });
    await assert.rejects(t.read('creds/orphan'), (err: unknown) => isCofferError(err) && err.status === 400 && /"gone", which is not configured/.test(err.message));
  });

  it('renews by extending the user\'s expiration with the renew statements', async () => {
    let now = fixedNow;
    const { server, t } = await setupDatabase({ options: { now: () => now } });
    await configureBasics(t);
    const resp = await t.read('creds/ro');
    const username = resp?.data?.['username'] as string;
    const secret: Secret = { ...resp!.secret!, issueTime: fixedNow.toISOString() };

    now = new Date(fixedNow.getTime() + 30 * 60_000);
    const renewed = await t.renew(secret);
    assert.equal(renewed?.secret?.ttl, 3600);
    assert.equal(renewed?.secret?.maxTtl, 86400);
    assert.equal(renewed?.secret?.internalData['username'], username);
    assert.equal(server.users.get(username)?.expiration?.toISOString(), '2030-01-01T01:30:05.000Z');
    assert.equal(server.calls.at(-1), `updateUser ${username} ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`);

    const withIncrement = await t.renew(secret, 600);
    assert.equal(withIncrement?.secret?.ttl, 600);
    assert.equal(server.users.get(username)?.expiration?.toISOString(), '2030-01-01T00:40:05.000Z');

    // Near the max TTL the renewal is capped; past it, refused.
    now = new Date(fixedNow.getTime() + 23.5 * 3600_000);
    assert.equal((await t.renew(secret))?.secret?.ttl, 1800);
    now = new Date(fixedNow.getTime() + 25 * 3600_000);
    await assert.rejects(t.renew(secret), (err: unknown) => isCofferError(err) && err.status === 400 && /past the max TTL/.test(err.message));
  });

  it('revokes by dropping the user; a deleted role falls back to the lease\'s statements', async () => {
    const { server, t } = await setupDatabase();
    await configureBasics(t);
    const first = await t.read('creds/ro');
    const second = await t.read('creds/ro');
    assert.equal(await t.revoke(first!.secret!), null);
    assert.equal(server.users.has(first?.data?.['username'] as string), false);
    assert.equal(server.calls.at(-1), `deleteUser ${first?.data?.['username']} DROP ROLE "{{name}}";`);

    await t.write('roles/ro', { revocation_statements: 'REASSIGN OWNED BY "{{name}}" TO app; DROP ROLE "{{name}}";' });
    await t.delete('roles/ro');
    const resp = await t.revoke(second!.secret!);
    assert.match(resp?.warnings?.[0] ?? '', /role "ro" no longer exists/);
    assert.equal(server.calls.at(-1), `deleteUser ${second?.data?.['username']} DROP ROLE "{{name}}";`);
    assert.equal(server.users.size, 0);
  });

  it('opens the connection lazily from storage (e.g. after a restart) and cleanup closes it', async () => {
    const { server, t } = await setupDatabase();
    await configureBasics(t);
    const issued = await t.read('creds/ro');
    await t.backend.cleanup();
    assert.equal(server.openConnections().length, 0);

    // A new backend over the same storage: nothing is open until it is needed.
    const again = await createTestBackend((conf) => Promise.resolve(createDatabaseBackend(conf)), { system: server.systemView(), storage: t.storage });
    assert.equal(server.openConnections().length, 0);
    assert.equal((await again.read('config/pg'))?.data?.['running_plugin_version'], undefined);
    await again.revoke(issued!.secret!);
    assert.equal(server.users.size, 0);
    assert.equal(server.openConnections().length, 1);
    assert.equal((await again.read('config/pg'))?.data?.['running_plugin_version'], 'v1.0.0');
    // Concurrent first uses share one connection.
    await Promise.all([again.read('creds/ro'), again.read('creds/ro'), again.read('creds/ro')]);
    assert.equal(server.openConnections().length, 1);
    await again.backend.cleanup();
    assert.equal(server.openConnections().length, 0);
  });

  it('keeps the plugin\'s error codes, and drops a connection whose plugin went away', async () => {
    const { server, t } = await setupDatabase();
    await configureBasics(t);
    server.failNext.set('newUser', new CofferError('permission_denied', 'permission denied to create role'));
    await assert.rejects(t.read('creds/ro'), (err: unknown) => isCofferError(err) && err.status === 403);

    const first = server.openConnections()[0]!;
    server.failNext.set('newUser', new CofferError('unavailable', 'plugin process exited'));
    await assert.rejects(t.read('creds/ro'), (err: unknown) => isCofferError(err) && err.status === 503);
    // Not retried (a user may have been created), but the next call gets a new connection.
    assert.equal(server.calls.filter((c) => c.startsWith('newUser')).length, 0);
    const resp = await t.read('creds/ro');
    assert.ok(resp?.data?.['username']);
    assert.equal(first.closed, true);
    assert.equal(server.openConnections().length, 1);

    // Revocation is retried once on a new connection.
    server.failNext.set('deleteUser', new CofferError('unavailable', 'plugin process exited'));
    await t.revoke(resp!.secret!);
    assert.equal(server.users.size, 0);
  });

  it('uses the connection\'s password policy through the system view', async () => {
    const asked: string[] = [];
    const { t } = await setupDatabase({
      system: (server) => server.systemView({ generatePasswordFromPolicy: async (name) => (asked.push(name), 'from-policy-1') }),
    });
    await configureBasics(t, { password_policy: 'strong' });
    assert.equal((await t.read('creds/ro'))?.data?.['password'], 'from-policy-1');
    assert.deepEqual(asked, ['strong']);

    const plain = await setupDatabase();
    await configureBasics(plain.t, { password_policy: 'strong' });
    await assert.rejects(plain.t.read('creds/ro'), (err: unknown) => isCofferError(err) && err.status === 400 && /does not support password policies/.test(err.message));
  });
});
