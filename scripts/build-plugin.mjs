#!/usr/bin/env node
// Bundles a plugin entry file (one that calls serve() or serveDatabase() from
// @coffer/sdk) into ONE self-contained executable JavaScript file: the SDK,
// grpc and every other dependency inside, a `#!/usr/bin/env node` line on
// top, mode 755. The catalog's sha256 then covers all of the plugin's code.
//
//   node scripts/build-plugin.mjs <entry.ts> <out-file> [--tsconfig <file>] [--minify]
//
// The output is CommonJS, which Node runs whatever its name (no extension,
// .js outside a "type": "module" package, .cjs) — so the entry must not use
// top-level await (call serve(...) without awaiting it). An out-file ending in
// .mjs is built as an ES module instead, and then may.
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * @param {string} entry  the plugin's entry file (.ts or .js)
 * @param {string} outFile where to write the executable
 * @param {{ tsconfig?: string, minify?: boolean }} [options]
 * @returns {Promise<{ outFile: string, bytes: number, sha256: string }>}
 */
export async function buildPlugin(entry, outFile, options = {}) {
  const entryPath = resolve(entry);
  const outPath = resolve(outFile);
  const esm = outPath.endsWith('.mjs');
  // esbuild keeps an entry's own `#!` line; add one only when it has none.
  const hasShebang = readFileSync(entryPath, 'utf8').startsWith('#!');
  const banner = [
    hasShebang ? '' : '#!/usr/bin/env node',
    // Bundled CommonJS dependencies call require(); an ES module has none.
    esm ? "import { createRequire as __cofferCreateRequire } from 'node:module'; const require = __cofferCreateRequire(import.meta.url);" : '',
  ]
    .filter(Boolean)
    .join('\n');

  await build({
    entryPoints: [entryPath],
    outfile: outPath,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: esm ? 'esm' : 'cjs',
    banner: { js: banner },
    minify: options.minify ?? false,
    sourcemap: false,
    legalComments: 'eof',
    logLevel: 'warning',
    ...(options.tsconfig ? { tsconfig: resolve(options.tsconfig) } : {}),
  });
  chmodSync(outPath, 0o755);
  const contents = readFileSync(outPath);
  return { outFile: outPath, bytes: statSync(outPath).size, sha256: createHash('sha256').update(contents).digest('hex') };
}

function usage() {
  console.error('usage: node scripts/build-plugin.mjs <entry.ts> <out-file> [--tsconfig <file>] [--minify]');
  process.exit(2);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const positional = [];
  const options = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--tsconfig') options.tsconfig = args[++i] ?? usage();
    else if (args[i] === '--minify') options.minify = true;
    else if (args[i].startsWith('-')) usage();
    else positional.push(args[i]);
  }
  if (positional.length !== 2) usage();
  try {
    const result = await buildPlugin(positional[0], positional[1], options);
    console.log(`built ${result.outFile} (${result.bytes} bytes)\nsha256 ${result.sha256}`);
  } catch (err) {
    // esbuild has already printed the details.
    console.error(`build-plugin: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
    process.exit(1);
  }
}
