// `coffer lease lookup|renew|revoke` against a dev server, on leases of
// real Redis users issued by the database engine (redis-database-plugin).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { runCli } from '@coffer/cli/testing/fake-io.js';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { probeService } from '../support/service.js';

async function aclUsers(): Promise<string[]> {
  const c = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return (await c.call('ACL', 'USERS')) as string[];
  } finally {
    c.disconnect();
  }
}

const redis = await probeService('Redis 6+ at 127.0.0.1:6379', async () => {
  await aclUsers();
});

describe('coffer lease commands', { skip: redis.skip }, () => {
  let s: InProcessServer;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, { env });
  const issue = async (): Promise<{ leaseId: string; username: string }> => {
    const creds = await s.request('GET', 'redisdb/creds/cli');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    return { leaseId: creds.body.lease_id, username: creds.body.data.username };
  };

  before(async () => {
    redis.failUnderCi();
    s = await startInProcessServer();
    env = { VAULT_ADDR: s.address, VAULT_TOKEN: s.rootToken };
    assert.equal((await s.request('POST', 'sys/mounts/redisdb', { type: 'database' })).status, 204);
    assert.equal((await s.request('POST', 'redisdb/config/r', { plugin_name: 'redis-database-plugin', host: '127.0.0.1', port: 6379, allowed_roles: 'cli' })).status, 204);
    assert.equal((await s.request('POST', 'redisdb/roles/cli', { db_name: 'r', creation_statements: ['+ping'], default_ttl: '1h', max_ttl: '3h' })).status, 204);
  });
  after(async () => {
    await s?.request('PUT', 'sys/leases/revoke-prefix/redisdb/').catch(() => undefined);
    await s?.close();
  });

  it('looks up and renews a lease', async () => {
    const { leaseId } = await issue();
    const lookup = await cli('lease', 'lookup', '-format=json', leaseId);
    assert.equal(lookup.code, 0, lookup.stderr);
    const looked = JSON.parse(lookup.stdout);
    assert.equal(looked.data.id, leaseId);
    assert.equal(looked.data.renewable, true);
    const renew = await cli('lease', 'renew', '-increment=2h', '-format=json', leaseId);
    assert.equal(renew.code, 0, renew.stderr);
    const renewed = JSON.parse(renew.stdout);
    assert.equal(renewed.lease_id, leaseId);
    assert.equal(renewed.lease_duration, 7200);
    const table = await cli('lease', 'lookup', leaseId);
    assert.match(table.stdout, /renewable\s+true/);
    const missing = await cli('lease', 'lookup');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Missing ID!/);
  });

  it('revokes one lease (-sync or queued), a prefix, and by force with -prefix only', async () => {
    const a = await issue();
    const sync = await cli('lease', 'revoke', '-sync', a.leaseId);
    assert.equal(sync.code, 0, sync.stderr);
    assert.match(sync.stdout, new RegExp(`Success! Revoked lease: ${a.leaseId.replace(/[/.]/g, '\\$&')}`));
    assert.ok(!(await aclUsers()).includes(a.username), 'the Redis user is gone');

    const b = await issue();
    const queued = await cli('lease', 'revoke', b.leaseId);
    assert.equal(queued.code, 0, queued.stderr);
    assert.match(queued.stdout, /All revocation operations queued successfully!/);

    const c = await issue();
    const prefix = await cli('lease', 'revoke', '-prefix', '-sync', 'redisdb/creds/cli');
    assert.equal(prefix.code, 0, prefix.stderr);
    assert.match(prefix.stdout, /Success! Revoked any leases with prefix: redisdb\/creds\/cli/);
    assert.ok(!(await aclUsers()).includes(c.username));

    const noPrefix = await cli('lease', 'revoke', '-force', 'redisdb/creds/cli');
    assert.equal(noPrefix.code, 1);
    assert.match(noPrefix.stderr, /Specifying -force requires also specifying -prefix/);
    const d = await issue();
    const forced = await cli('lease', 'revoke', '-force', '-prefix', 'redisdb/creds/cli');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /Success! Force revoked any leases with prefix: redisdb\/creds\/cli/);
    assert.equal((await s.request('PUT', 'sys/leases/lookup', { lease_id: d.leaseId })).status, 400, 'the lease is gone');
    // -force still asks the engine to revoke; it only ignores a failure.
    assert.ok(!(await aclUsers()).includes(d.username));
  });
});
