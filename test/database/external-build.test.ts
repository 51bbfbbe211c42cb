// The built-in redis-database-plugin's source, built as an external plugin
// executable, registered in the catalog under another name and used by the
// database engine through the plugin protocol against the real Redis.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { buildDatabasePlugins } from '../../scripts/build-database-plugins.mjs';
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

describe('a built-in database plugin built as an external plugin', { skip: redis.skip }, () => {
  let s: InProcessServer;
  let pluginDir = '';

  before(async () => {
    redis.failUnderCi();
    pluginDir = mkdtempSync(join(tmpdir(), 'coffer-db-plugins-'));
    const [built] = await buildDatabasePlugins(pluginDir, { only: ['redis-database-plugin'] });
    s = await startInProcessServer({ plugins: { directory: pluginDir } });
    const registered = await s.request('PUT', 'sys/plugins/catalog/database/redis-external', { sha256: built!.sha256, command: 'redis-database-plugin' });
    assert.equal(registered.status, 204, JSON.stringify(registered.body));
  });
  after(async () => {
    await s?.close();
    if (pluginDir) rmSync(pluginDir, { recursive: true, force: true });
  });

  it('issues and revokes Redis users through the plugin process', async () => {
    assert.equal((await s.request('POST', 'sys/mounts/database', { type: 'database' })).status, 204);
    const config = await s.request('POST', 'database/config/ext', { plugin_name: 'redis-external', host: '127.0.0.1', port: 6379, allowed_roles: 'ext' });
    assert.equal(config.status, 204, JSON.stringify(config.body));
    assert.equal((await s.request('POST', 'database/roles/ext', { db_name: 'ext', creation_statements: ['+ping'] })).status, 204);
    const creds = await s.request('GET', 'database/creds/ext');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    assert.ok((await aclUsers()).includes(creds.body.data.username));
    assert.equal((await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id })).status, 204);
    assert.ok(!(await aclUsers()).includes(creds.body.data.username));
  });
});
