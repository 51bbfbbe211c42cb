// The built-in redis-database-plugin against the Redis on 127.0.0.1:6379,
// through a dev server's HTTP API: issued ACL users log in with the rules
// of their role, revocation and expiry delete them, a root rotation
// changes the admin's password.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { eventually, probeService } from '../support/service.js';

const HOST = '127.0.0.1';
const PORT = 6379;

function client(username?: string, password?: string): Redis {
  const c = new Redis({ host: HOST, port: PORT, username, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  c.on('error', () => undefined);
  return c;
}

async function admin(...args: string[]): Promise<unknown> {
  const c = client();
  try {
    await c.connect();
    return await c.call(args[0]!, ...args.slice(1));
  } finally {
    c.disconnect();
  }
}

/** Logs in as `user` and runs `command`. */
async function as(user: string, password: string, ...command: string[]): Promise<unknown> {
  const c = client(user, password);
  let refused: unknown;
  c.on('error', (err: unknown) => (refused = err));
  try {
    await c.connect().catch((err: unknown) => {
      // A refused AUTH arrives as an 'error' event; connect() only says the connection closed.
      throw refused ?? err;
    });
    return await c.call(command[0]!, ...command.slice(1));
  } finally {
    c.disconnect();
  }
}

async function aclUserExists(user: string): Promise<boolean> {
  return ((await admin('ACL', 'USERS')) as string[]).includes(user);
}

const redis = await probeService('Redis 6+ at 127.0.0.1:6379 (ACL users)', async () => {
  await admin('ACL', 'WHOAMI');
});

describe('redis-database-plugin (built in) against Redis', { skip: redis.skip }, () => {
  let s: InProcessServer;
  let pluginDir = '';
  const rootUser = `coffer_adm_${process.pid}`;
  const rootPassword = 'initial-Root-pa55';

  before(async () => {
    redis.failUnderCi();
    await admin('ACL', 'SETUSER', rootUser, 'on', `>${rootPassword}`, '~*', '&*', '+@all');
    pluginDir = mkdtempSync(join(tmpdir(), 'coffer-plugins-'));
    s = await startInProcessServer({ plugins: { directory: pluginDir } });
    assert.equal((await s.request('POST', 'sys/mounts/database', { type: 'database' })).status, 204);
    const res = await s.request('POST', 'database/config/redis', { plugin_name: 'redis-database-plugin', host: HOST, port: PORT, username: rootUser, password: rootPassword, allowed_roles: '*' });
    assert.equal(res.status, 204, JSON.stringify(res.body));
  });

  after(async () => {
    await s?.close();
    const users = ((await admin('ACL', 'USERS').catch(() => [])) as string[]).filter((u) => u.startsWith('V_') || u === rootUser);
    for (const u of users) await admin('ACL', 'DELUSER', u).catch(() => undefined);
    if (pluginDir) rmSync(pluginDir, { recursive: true, force: true });
  });

  it('issues an ACL user with the role\'s rules; revocation deletes it', async () => {
    assert.equal((await s.request('POST', 'database/roles/reader', { db_name: 'redis', creation_statements: ['["~coffer-test:*", "+get"]'], default_ttl: '1h' })).status, 204);
    const creds = await s.request('GET', 'database/creds/reader');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    const { username, password } = creds.body.data;
    assert.match(username, /^V_ROOT_READER_[A-Z0-9_]+/);
    assert.equal(await as(username, password, 'GET', 'coffer-test:x'), null);
    await assert.rejects(as(username, password, 'SET', 'coffer-test:x', '1'), /NOPERM/);

    assert.equal((await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id })).status, 204);
    assert.equal(await aclUserExists(username), false);
    await assert.rejects(as(username, password, 'PING'), /WRONGPASS/);
  });

  it('deletes the user when its lease expires', async () => {
    assert.equal((await s.request('POST', 'database/roles/short', { db_name: 'redis', creation_statements: ['+ping'], default_ttl: '2s', max_ttl: '2s' })).status, 204);
    const creds = await s.request('GET', 'database/creds/short');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    assert.equal(await as(creds.body.data.username, creds.body.data.password, 'PING'), 'PONG');
    assert.ok(await eventually(async () => !(await aclUserExists(creds.body.data.username))), 'the expired user was deleted');
  });

  it('refuses a wrong password, a bad port and bad ACL rules with a clear error', async () => {
    const wrong = await s.request('POST', 'database/config/bad', { plugin_name: 'redis-database-plugin', host: HOST, port: PORT, username: rootUser, password: 'not-the-password' });
    assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
    assert.match(wrong.body.errors.join(' '), /WRONGPASS/);
    assert.ok(!JSON.stringify(wrong.body).includes('not-the-password'));
    const port = await s.request('POST', 'database/config/bad', { plugin_name: 'redis-database-plugin', host: HOST, port: 'x6379', username: rootUser, password: rootPassword });
    assert.equal(port.status, 400);
    assert.match(port.body.errors.join(' '), /port must be a TCP port/);
    assert.equal((await s.request('GET', 'database/config/bad')).status, 404);

    assert.equal((await s.request('POST', 'database/roles/badacl', { db_name: 'redis', creation_statements: ['["+nosuchcommand"]'] })).status, 204);
    const bad = await s.request('GET', 'database/creds/badacl');
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.match(bad.body.errors.join(' '), /Unknown command|Error in ACL SETUSER/i);
  });

  it('rotates the root password in Redis and never shows it', async () => {
    assert.equal((await s.request('POST', 'database/rotate-root/redis')).status, 204);
    await assert.rejects(as(rootUser, rootPassword, 'PING'), /WRONGPASS/);
    const read = await s.request('GET', 'database/config/redis');
    assert.equal(read.body.data.connection_details.password, undefined);
    const creds = await s.request('GET', 'database/creds/reader');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id });
  });
});
