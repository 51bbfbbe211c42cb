#!/usr/bin/env node
// The "coffer" executable: Vault's CLI, talking to a Coffer (or Vault) server.
import { run } from '../cli/run.js';

run(process.argv.slice(2)).then(
  (code) => {
    // Let pending output flush instead of calling process.exit().
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
