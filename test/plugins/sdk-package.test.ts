// @coffer/sdk as an ordinary npm dependency: the tutorial of docs/plugins.md
// followed outside the repository. The SDK is packed with `npm pack`, the
// project's files are taken from the tutorial itself (its
// `<!-- file: PATH -->` blocks), installed, tested, built into one executable,
// registered, mounted and served by a real server, then upgraded to v2.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { skipWithoutTools } from '../support/external-tools.js';
import { PluginServer, REPO_ROOT } from './support.js';
import { builtSha256, npmInstall, sh } from './support/plugin-project.js';

/** The files the tutorial shows, by path: each `<!-- file: PATH -->` followed by a fenced block. */
function tutorialFiles(): Map<string, string> {
  const doc = readFileSync(join(REPO_ROOT, 'docs/plugins.md'), 'utf8');
  const files = new Map<string, string>();
  for (const m of doc.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)) files.set(m[1]!, `${m[2]!}\n`);
  return files;
}

describe('@coffer/sdk packed and used by a project outside the repository (docs/plugins.md tutorial)', { skip: skipWithoutTools(['npm', 'tar'], 'npm, tar') }, () => {
  let base: string;
  let project: string;
  let tarball: string;
  let s: PluginServer | undefined;

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'coffer-sdk-package-'));
    project = join(base, 'greetings');
  });
  after(async () => {
    await s?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('npm pack -w @coffer/sdk makes a tarball with the compiled SDK, its types, serve(), the harness and the protos', async () => {
    const out = await sh(REPO_ROOT, 'npm', ['pack', '-w', '@coffer/sdk', '--pack-destination', base, '--silent']);
    tarball = out.trim().split('\n').pop()!;
    assert.equal(tarball, 'coffer-sdk-0.1.0.tgz');
    const listing = (await sh(base, 'tar', ['tzf', tarball])).split('\n');
    for (const file of [
      'package/package.json',
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/plugin/index.js',
      'package/dist/plugin/serve.d.ts',
      'package/dist/testing/index.d.ts',
      'package/proto/coffer/plugin/v1/backend.proto',
    ]) {
      assert.ok(listing.includes(file), `${file} is in the tarball`);
    }
    assert.deepEqual(listing.filter((f) => f.startsWith('package/src/') || /\.test\.|\.map$/.test(f)), [], 'no sources, tests or source maps');
  });

  it('the tutorial project installs the tarball, passes its tests and builds into one self-contained executable', async () => {
    const files = tutorialFiles();
    assert.deepEqual([...files.keys()].sort(), ['build.mjs', 'package.json', 'src/backend.ts', 'src/main.ts', 'src/path-greetings.ts', 'test/backend.test.ts', 'tsconfig.json']);
    for (const [path, text] of files) {
      mkdirSync(dirname(join(project, path)), { recursive: true });
      writeFileSync(join(project, path), text);
    }

    await npmInstall(project, `../${tarball}`);
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.equal(pkg.dependencies['@coffer/sdk'], `file:../${tarball}`);
    assert.match(await sh(project, 'npm', ['test']), /# pass 2\n# fail 0/);
    await sh(project, 'npm', ['run', 'typecheck']);
    builtSha256(await sh(project, 'npm', ['run', 'build']));

    // Self-contained: run from a directory without node_modules, it still loads (and explains itself).
    const elsewhere = join(base, 'bin');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'greetings'), readFileSync(join(project, 'dist/greetings')), { mode: 0o755 });
    await assert.rejects(sh(elsewhere, './greetings', []), /plugin for Coffer.*not meant to be run directly/s);
  });

  it('version 1 registers, mounts and serves; version 2 replaces it with tune and reload, keeping the data', async () => {
    s = await PluginServer.start();
    const sha1 = s.install(join(project, 'dist/greetings'), 'greetings-1.0.0');
    await s.ok(['plugin', 'register', `-sha256=${sha1}`, '-command=greetings-1.0.0', '-version=v1.0.0', 'secret', 'greetings']);
    assert.equal(await s.ok(['secrets', 'enable', 'greetings']), 'Success! Enabled the greetings secrets engine at: greetings/\n');
    await s.ok(['write', 'greetings/greetings/world', 'message=hello, world']);
    let read = await s.json(['read', 'greetings/greetings/world']);
    assert.deepEqual([read.data.name, read.data.message], ['world', 'hello, world']);
    assert.equal((await s.mount('greetings/')).running_plugin_version, 'v1.0.0');

    // Bump VERSION, build, ship beside v1, register, tune, reload.
    const backend = join(project, 'src/backend.ts');
    writeFileSync(backend, readFileSync(backend, 'utf8').replace("VERSION = 'v1.0.0'", "VERSION = 'v2.0.0'"));
    const sha2 = builtSha256(await sh(project, 'npm', ['run', 'build']));
    assert.equal(s.install(join(project, 'dist/greetings'), 'greetings-2.0.0'), sha2);
    await s.ok(['plugin', 'register', `-sha256=${sha2}`, '-command=greetings-2.0.0', '-version=v2.0.0', 'secret', 'greetings']);
    await s.ok(['secrets', 'tune', '-plugin-version=v2.0.0', 'greetings/']);
    assert.equal((await s.mount('greetings/')).running_plugin_version, 'v1.0.0', 'tune records the version; the reload switches');
    assert.equal(await s.ok(['plugin', 'reload', '-plugin', 'greetings']), 'Success! Reloaded plugin: greetings\n');
    const mount = await s.mount('greetings/');
    assert.deepEqual([mount.running_plugin_version, mount.running_sha256], ['v2.0.0', sha2]);
    read = await s.json(['read', 'greetings/greetings/world']);
    assert.equal(read.data.message, 'hello, world', 'the data survives the upgrade');
  });
});
