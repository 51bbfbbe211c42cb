// A plugin project outside the repository, driven with npm as its author
// drives it (used by the SDK-package and `coffer plugin new` tests).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a command in `cwd`; on failure the assertion shows its whole output. Returns stdout. */
export async function sh(cwd: string, command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, env: projectEnv(), maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    assert.fail(`${command} ${args.join(' ')} (in ${cwd}) failed with ${e.code}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** The environment an author's shell has: none of this test runner's own variables (a nested `node --test` would report to it). */
function projectEnv(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _context, NODE_ENV: _env, ...env } = process.env;
  return env;
}

/**
 * `npm install` in the project: offline from the npm cache when it holds
 * everything (it does on a machine that installed Coffer's own dependencies),
 * else from the registry. Install scripts are not needed (esbuild ships its
 * binary as an optional dependency).
 */
export function npmInstall(cwd: string, ...packages: string[]): Promise<string> {
  return sh(cwd, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...packages]);
}

/** The sha256 `npm run build` prints (build.mjs: "sha256 <hex>"). */
export function builtSha256(buildOutput: string): string {
  const match = /^sha256 ([0-9a-f]{64})$/m.exec(buildOutput);
  assert.ok(match, `npm run build printed no sha256:\n${buildOutput}`);
  return match[1]!;
}
