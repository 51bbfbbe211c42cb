#!/usr/bin/env node
// Builds every example plugin into single-file executables:
//
//   node examples/plugins/build.mjs [outDir]      (default: examples/plugins/dist)
//
// Each output is one JavaScript file with a `#!/usr/bin/env node` line, every
// dependency bundled in, mode 755 — what the plugin catalog's sha256 must
// cover. The script prints each file with its sha256 and writes them to
// <outDir>/SHA256SUMS (the format of `sha256sum`), ready for
//
//   coffer plugin register -sha256=<sha256> -command=<file> secret <name>
//
// When examples/plugins/postgres-db/ exists, its plugins are built too (by its
// own build.mjs) into the same outDir, and listed in the same SHA256SUMS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildPlugin } from '../../scripts/build-plugin.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

/** Output file name → entry file, relative to examples/plugins/. */
export const EXAMPLES = {
  'kv-secrets-v1': 'kv-secrets/src/main-v1.ts',
  'kv-secrets-v2': 'kv-secrets/src/main-v2.ts',
  'kv-secrets': 'kv-secrets/src/main-unversioned.ts',
  'auth-api-key-v1': 'auth-api-key/src/main-v1.ts',
  'auth-api-key-v2': 'auth-api-key/src/main-v2.ts',
};

/**
 * @param {string} outDir
 * @param {{ only?: string[] }} [options] build only these outputs
 * @returns {Promise<{ name: string, file: string, sha256: string, bytes: number }[]>}
 */
export async function buildExamples(outDir, options = {}) {
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  const names = Object.keys(EXAMPLES).filter((n) => !options.only || options.only.includes(n));
  // The repository's tsconfig maps @coffer/* to their sources, so the bundle
  // holds one copy of the SDK (built-in engines included) and needs no prior `npm run build`.
  const tsconfig = join(repoRoot, 'tsconfig.json');
  return Promise.all(
    names.map(async (name) => {
      const result = await buildPlugin(join(here, EXAMPLES[name]), join(out, name), { tsconfig });
      return { name, file: result.outFile, sha256: result.sha256, bytes: result.bytes };
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(here, 'dist'));
  let built;
  try {
    built = [...(await buildExamples(outDir)), ...(await buildPostgresDb(outDir))];
  } catch (err) {
    console.error(`build failed: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
    process.exit(1);
  }
  built.sort((a, b) => a.name.localeCompare(b.name));
  writeFileSync(join(outDir, 'SHA256SUMS'), built.map((b) => `${b.sha256}  ${b.name}\n`).join(''));
  for (const b of built) console.log(`${b.sha256}  ${relative(process.cwd(), b.file) || b.file}  (${b.bytes} bytes)`);
  console.log(`\nsha256 sums written to ${join(outDir, 'SHA256SUMS')}`);
}

/** The postgres-db example, when it is there: it has its own build script (and dependencies). */
async function buildPostgresDb(outDir) {
  const script = join(here, 'postgres-db', 'build.mjs');
  if (!existsSync(script)) return [];
  const mod = await import(pathToFileURL(script).href);
  if (typeof mod.buildPostgresDbPlugins === 'function') return mod.buildPostgresDbPlugins(outDir);
  // An older script without the function: run it as a command; its outputs then miss from SHA256SUMS.
  const run = spawnSync(process.execPath, [script, outDir], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error('examples/plugins/postgres-db/build.mjs failed');
  return [];
}
