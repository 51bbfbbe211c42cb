// `coffer plugin new`: writes a plugin project that depends on @coffer/sdk
// and builds into one executable (the layout docs/plugins.md walks through).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { authFiles } from './scaffold-auth.js';
import { buildScript, GITIGNORE, mainFile, packageJson, readme, TSCONFIG, type ScaffoldOptions, type ScaffoldType } from './scaffold-common.js';
import { secretFiles } from './scaffold-secret.js';

export type { ScaffoldType };

/** npm package names are lower-case; the same name is used in the catalog. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export class ScaffoldError extends Error {}

export function checkScaffoldName(name: string): string {
  if (!NAME.test(name)) {
    throw new ScaffoldError(`invalid plugin name "${name}": use lower-case letters, digits, ".", "_" and "-" (it becomes the npm package name and the catalog name)`);
  }
  return name;
}

/** Every file of the project, by path relative to its directory. */
export function scaffoldFiles(o: ScaffoldOptions): Record<string, string> {
  return {
    'package.json': packageJson(o),
    'tsconfig.json': TSCONFIG,
    'build.mjs': buildScript(o),
    '.gitignore': GITIGNORE,
    'README.md': readme(o),
    'src/main.ts': mainFile(),
    ...(o.type === 'auth' ? authFiles(o) : secretFiles(o)),
  };
}

/** A new project goes into a directory that does not exist yet or is empty: nothing of the user's is overwritten. */
export function ensureEmptyDirectory(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new ScaffoldError(`${dir} already exists and is not empty: choose another -dir`);
  }
  mkdirSync(dir, { recursive: true });
}

/** Writes the project into `dir` (see ensureEmptyDirectory). Returns the files written. */
export function writeScaffold(dir: string, o: ScaffoldOptions): string[] {
  const files = scaffoldFiles(o);
  for (const [path, text] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text, { mode: path.endsWith('.mjs') ? 0o755 : 0o644 });
  }
  return Object.keys(files);
}

/**
 * The @coffer/sdk dependency of a new project. `-sdk` may name a packed SDK
 * (a .tgz, written as a file: dependency) or a version range. Without it,
 * the SDK this CLI runs with is packed into the project's vendor/ directory:
 * @coffer/sdk is not on a public registry, and a vendored tarball makes the
 * project build anywhere.
 */
export async function sdkDependency(projectDir: string, sdkFlag: string | undefined): Promise<{ spec: string; note?: string }> {
  if (sdkFlag) {
    if (sdkFlag.endsWith('.tgz') || sdkFlag.startsWith('.') || isAbsolute(sdkFlag)) {
      return { spec: `file:${resolve(sdkFlag)}` };
    }
    return { spec: sdkFlag };
  }
  const sdkDir = dirname(createRequire(import.meta.url).resolve('@coffer/sdk/package.json'));
  const vendor = join(projectDir, 'vendor');
  mkdirSync(vendor, { recursive: true });
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('npm', ['pack', sdkDir, '--pack-destination', vendor, '--silent'], { cwd: vendor }));
  } catch (err) {
    throw new ScaffoldError(`could not pack the SDK from ${sdkDir} with npm (${(err as Error).message.split('\n')[0]}): give a packed SDK with -sdk=<coffer-sdk-x.y.z.tgz>`);
  }
  const tarball = stdout.trim().split('\n').pop() ?? '';
  return { spec: `file:${relative(projectDir, join(vendor, tarball))}`, note: `packed the SDK into vendor/${tarball}` };
}
