#!/usr/bin/env node
// Builds the example PostgreSQL database plugin, both versions, into
// single-file executables (pg, the SDK and grpc bundled in):
//
//   node examples/plugins/postgres-db/build.mjs [outDir]   (default: examples/plugins/postgres-db/dist)
//
// writes <outDir>/my-db-plugin-v1 and <outDir>/my-db-plugin-v2, prints their
// sha256, and adds them to <outDir>/SHA256SUMS (examples/plugins/build.mjs
// runs this script with its own outDir).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Adds (or replaces) our lines in SHA256SUMS, keeping the other plugins' lines. */
function updateSums(outDir, built) {
  const path = join(outDir, 'SHA256SUMS');
  const ours = new Set(built.map((b) => b.name));
  const kept = existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && !ours.has(line.split(/\s+/)[1] ?? ''))
    : [];
  const lines = [...kept, ...built.map((b) => `${b.sha256}  ${b.name}`)].sort((a, b) => a.split(/\s+/)[1].localeCompare(b.split(/\s+/)[1]));
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
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
  updateSums(outDir, built);
  for (const b of built) console.log(`${b.sha256}  ${relative(process.cwd(), b.file) || b.file}  (${b.bytes} bytes)`);
}
