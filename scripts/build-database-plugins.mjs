#!/usr/bin/env node
// Builds Coffer's built-in database plugins as external plugin executables,
// from the same source the server runs in process:
//
//   node scripts/build-database-plugins.mjs [outDir]   (default: dist-plugins)
//
// writes postgresql-database-plugin, mysql-database-plugin and
// redis-database-plugin (each one file, drivers and SDK bundled) and prints
// their sha256, ready for `coffer plugin register -sha256=… database <name>`.
import { mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from './build-plugin.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = join(repoRoot, 'packages/builtin/src/database-plugins');

/** Output file name → entry file. */
export const DATABASE_PLUGINS = {
  'postgresql-database-plugin': join(SOURCES, 'postgresql/main.ts'),
  'mysql-database-plugin': join(SOURCES, 'mysql/main.ts'),
  'redis-database-plugin': join(SOURCES, 'redis/main.ts'),
};

/**
 * @param {string} outDir
 * @param {{ only?: string[] }} [options]
 */
export async function buildDatabasePlugins(outDir, options = {}) {
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  const tsconfig = join(repoRoot, 'tsconfig.json');
  const names = Object.keys(DATABASE_PLUGINS).filter((n) => !options.only || options.only.includes(n));
  return Promise.all(
    names.map(async (name) => {
      const result = await buildPlugin(DATABASE_PLUGINS[name], join(out, name), { tsconfig });
      return { name, file: result.outFile, sha256: result.sha256, bytes: result.bytes };
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildDatabasePlugins(process.argv[2] ?? join(repoRoot, 'dist-plugins'));
  for (const b of built) console.log(`${b.sha256}  ${relative(process.cwd(), b.file) || b.file}  (${b.bytes} bytes)`);
}
