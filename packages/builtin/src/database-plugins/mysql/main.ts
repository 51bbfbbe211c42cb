#!/usr/bin/env node
// The built-in mysql-database-plugin as an external plugin: the same source, served over the plugin protocol.
import { serveDatabase } from '@coffer/sdk/plugin/index.js';
import { MYSQL_FLAVOURS, MysqlDatabase } from './mysql-database.js';

serveDatabase(() => new MysqlDatabase(MYSQL_FLAVOURS[0]!)).catch((err: unknown) => {
  process.stderr.write(`mysql-database-plugin: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
