#!/usr/bin/env node
// Version 2 of the example PostgreSQL database plugin: users are named "v2-<role>-<random>".
import { serveDatabase } from '@coffer/sdk/plugin/index.js';
import { PostgresDatabase } from './postgres-database.js';

serveDatabase(() => new PostgresDatabase({ version: 'v2.0.0', usernamePrefix: 'v2' })).catch((err: unknown) => {
  process.stderr.write(`my-db-plugin v2: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
