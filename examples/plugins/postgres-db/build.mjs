#!/usr/bin/env node
// Builds the example PostgreSQL database plugin, both versions, into
// single-file executables (pg, the SDK and grpc bundled in):
//
//   node examples/plugins/postgres-db/build.mjs [outDir]   (default: examples/plugins/postgres-db/dist)
//
// writes <outDir>/my-db-plugin-v1 and <outDir>/my-db-plugin-v2 and prints
// their sha256 in sha256sum's format (examples/plugins/build.mjs runs this
// script with its own outDir; SHA256SUMS there lists only its own plugins).
import { mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from '../../../scripts/build-plugin.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

/** Output file name → entry file, relative to this folder. */
export const POSTGRES_DB_PLUGINS = {
  'my-db-plugin-v1': 'src/main-v1.ts',
  'my-db-plugin-v2': 'src/main-v2.ts',
};

/**
 * @param {string} outDir
 * @returns {Promise<{ name: string, file: string, sha256: string, bytes: number }[]>}
 */
export async function buildPostgresDbPlugins(outDir) {
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  // The repository's tsconfig maps @coffer/sdk to its sources: no prior `npm run build` needed.
  const tsconfig = join(repoRoot, 'tsconfig.json');
  return Promise.all(
    Object.entries(POSTGRES_DB_PLUGINS).map(async ([name, entry]) => {
      const result = await buildPlugin(join(here, entry), join(out, name), { tsconfig });
      return { name, file: result.outFile, sha256: result.sha256, bytes: result.bytes };
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(here, 'dist'));
  let built;
  try {
    built = await buildPostgresDbPlugins(outDir);
  } catch (err) {
    console.error(`build failed: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
    process.exit(1);
  }
  built.sort((a, b) => a.name.localeCompare(b.name));
  for (const b of built) console.log(`${b.sha256}  ${relative(process.cwd(), b.file) || b.file}  (${b.bytes} bytes)`);
}
