// Shared by the plugin-catalog tests: temp plugin directories, the fixture
// plugin bundled as a real executable, and tiny shell-script "plugins".
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CofferError } from '@coffer/sdk';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../../..');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

let built: string | undefined;

/** The fixture plugin, bundled once per test process; copied into `dir` under `name`. */
export function fixturePlugin(dir: string, name: string): string {
  if (!built) {
    const out = join(tempDir('coffer-catalog-fixture-'), 'catalog-fixture-plugin');
    execFileSync(process.execPath, [join(repoRoot, 'scripts/build-plugin.mjs'), join(here, 'catalog-fixture-plugin.ts'), out], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    built = out;
  }
  const path = join(dir, name);
  copyFileSync(built, path);
  chmodSync(path, 0o755);
  return path;
}

/** An executable shell script in `dir`. */
export function writeScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export async function rejectsWith(promise: Promise<unknown>, code: CofferError['code'], message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CofferError, `expected a CofferError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}
