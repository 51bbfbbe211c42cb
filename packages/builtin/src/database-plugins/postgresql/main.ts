#!/usr/bin/env node
// The built-in postgresql-database-plugin as an external plugin: the same source, served over the plugin protocol.
import { serveDatabase } from '@coffer/sdk/plugin/index.js';
import { PostgresqlDatabase } from './postgresql-database.js';

serveDatabase(() => new PostgresqlDatabase()).catch((err: unknown) => {
  process.stderr.write(`postgresql-database-plugin: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
