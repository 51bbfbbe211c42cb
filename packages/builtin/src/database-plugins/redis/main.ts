#!/usr/bin/env node
// The built-in redis-database-plugin as an external plugin: the same source, served over the plugin protocol.
import { serveDatabase } from '@coffer/sdk/plugin/index.js';
import { RedisDatabase } from './redis-database.js';

serveDatabase(() => new RedisDatabase()).catch((err: unknown) => {
  process.stderr.write(`redis-database-plugin: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
