#!/usr/bin/env node
// Version 1 of the example PostgreSQL database plugin: users are named "v1-<role>-<random>".
import { serveDatabase } from '@coffer/sdk/plugin/index.js';
import { PostgresDatabase } from './postgres-database.js';

serveDatabase(() => new PostgresDatabase({ version: 'v1.0.0', usernamePrefix: 'v1' })).catch((err: unknown) => {
  process.stderr.write(`my-db-plugin v1: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
